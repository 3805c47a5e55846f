// The writer thread's CPU priority. Where the writer shares a core with an I/O thread, its
// batches (milliseconds of CPU) otherwise delay the redirects that arrive meanwhile: measured at
// half the peak rate on one core, p99 3.6 ms with the writer at normal priority, 0.5 ms with it
// at SCHED_IDLE. An idle-priority writer starves while the I/O thread is saturated, and a starved
// thread cannot raise itself: so the submitting side returns it to normal priority once the queue
// is a quarter full, and the writer goes idle again when it has drained the queue.
//
// Threads that feed someone outside (webhooks, ClickHouse) use nice 19 instead of SCHED_IDLE:
// SCHED_IDLE gets next to nothing while any other process keeps the cores busy (deliveries
// stalled for tens of seconds beside a busy neighbour), nice 19 still gets a small share and
// is preempted by a waking I/O thread all the same.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <mutex>

namespace linktrack::clicklog {

class WriterPriority {
 public:
  enum class Background {
    idle,  // SCHED_IDLE: the writer, the re-scorer, the summary
    low,   // SCHED_OTHER at nice 19: a consumer somebody outside waits for
  };
  explicit WriterPriority(Background background = Background::idle) : background_(background) {}
  // On the writer thread, once. Adaptive only when `allowed` (not in sync durability, where
  // responses wait for the writer) and where a thread may return from SCHED_IDLE to normal
  // priority (root, CAP_SYS_NICE, or RLIMIT_NICE allowing nice 0); otherwise the writer stays
  // at normal priority.
  void attach(bool allowed);
  // From any submitting thread: normal priority when the queue is this deep.
  void on_submit(std::size_t depth, std::size_t capacity) {
    if (idle_.load(std::memory_order_relaxed) && depth * 4 >= capacity) set(false);
  }
  // From the writer: idle again once drained.
  void on_drained(std::size_t depth, std::size_t capacity) {
    if (adaptive_ && !idle_.load(std::memory_order_relaxed) && depth * 20 < capacity) set(true);
  }
  bool adaptive() const { return adaptive_; }
  // For a thread that works only in the background (the re-scorer, the summary, feed
  // consumers): while it holds the log's write lock it is listed as a holder and keeps its
  // background priority, and a writer that finds the log locked raises every listed holder to
  // normal priority until it lets go (priority inheritance). Raised for every transaction
  // instead, their writes (milliseconds each) competed with the I/O thread they share a core
  // with at equal weight even when nobody waited for them.
  void hold();
  void release();
  // From a thread waiting for the write lock (the writer's busy handler): raises the holders.
  static void raise_lock_holders();

 private:
  bool set(bool idle);
  const Background background_;
  std::mutex mutex_;  // keeps the flag and the thread's real policy in step
  pthread_t thread_{};
  pid_t tid_ = 0;  // for setpriority: nice is per thread on Linux
  std::atomic<bool> idle_{false};
  bool adaptive_ = false;
};

// Listed as holding the log's write lock (WriterPriority::hold) for as long as it lives: a
// background thread's write transaction.
class WriteLockHolder {
 public:
  explicit WriteLockHolder(WriterPriority* p) : p_(p) {
    if (p_) p_->hold();
  }
  ~WriteLockHolder() {
    if (p_) p_->release();
  }
  WriteLockHolder(const WriteLockHolder&) = delete;
  WriteLockHolder& operator=(const WriteLockHolder&) = delete;

 private:
  WriterPriority* p_;
};

}  // namespace linktrack::clicklog
