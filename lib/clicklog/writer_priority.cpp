#include "clicklog/writer_priority.hpp"

#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace linktrack::clicklog {
namespace {

// The background threads now holding the log's write lock.
struct LockHolders {
  std::mutex mutex;
  std::vector<WriterPriority*> list;
};
LockHolders& lock_holders() {
  static LockHolders holders;
  return holders;
}

}  // namespace

void WriterPriority::attach(bool allowed) {
  thread_ = pthread_self();
  tid_ = gettid();
  if (!allowed) return;
  rlimit nice_limit{};
  const bool may_return =
      geteuid() == 0 || (getrlimit(RLIMIT_NICE, &nice_limit) == 0 &&
                         (nice_limit.rlim_cur == RLIM_INFINITY || nice_limit.rlim_cur >= 20));
  // Try the round trip once; keep normal priority if either step is refused.
  adaptive_ = may_return && set(true) && set(false) && set(true);
  if (!adaptive_) {
    set(false);
    spdlog::debug("background thread at normal priority: it could not return from low priority");
  }
}

bool WriterPriority::set(bool idle) {
  std::lock_guard lock(mutex_);
  if (background_ == Background::low) {
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(tid_), idle ? 19 : 0) != 0) return false;
    idle_.store(idle, std::memory_order_relaxed);
    return true;
  }
  sched_param param{};
  if (pthread_setschedparam(thread_, idle ? SCHED_IDLE : SCHED_OTHER, &param) != 0) return false;
  idle_.store(idle, std::memory_order_relaxed);
  return true;
}

void WriterPriority::hold() {
  if (!adaptive_) return;
  auto& h = lock_holders();
  std::lock_guard lock(h.mutex);
  h.list.push_back(this);
}

void WriterPriority::release() {
  if (!adaptive_) return;
  auto& h = lock_holders();
  {
    // Unlisted first: a raise after this cannot reach a thread that has let go.
    std::lock_guard lock(h.mutex);
    if (auto it = std::find(h.list.begin(), h.list.end(), this); it != h.list.end())
      h.list.erase(it);
  }
  if (!idle_.load(std::memory_order_relaxed)) set(true);
}

void WriterPriority::raise_lock_holders() {
  auto& h = lock_holders();
  std::lock_guard lock(h.mutex);
  for (auto* p : h.list)
    if (p->idle_.load(std::memory_order_relaxed)) p->set(false);
}

}  // namespace linktrack::clicklog
