#include "clicklog/writer_priority.hpp"

#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

namespace linktrack::clicklog {

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

}  // namespace linktrack::clicklog
