#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>

#include "clicklog/writer_priority.hpp"

using linktrack::clicklog::WriterPriority;

namespace {

int policy_of(pthread_t t) {
  int policy = -1;
  sched_param p{};
  pthread_getschedparam(t, &policy, &p);
  return policy;
}

}  // namespace

TEST_CASE("the writer idles while the queue is short and is raised when it fills") {
  std::atomic<bool> done{false};
  std::atomic<int> seen_after_attach{-1};
  WriterPriority live;
  std::thread w([&] {
    live.attach(true);
    seen_after_attach = policy_of(pthread_self());
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (seen_after_attach == -1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const pthread_t handle = w.native_handle();
  if (!live.adaptive()) {
    // Without the right to leave SCHED_IDLE the writer must stay at normal priority.
    CHECK(seen_after_attach == SCHED_OTHER);
  } else {
    CHECK(seen_after_attach == SCHED_IDLE);
    live.on_submit(100, 1000);  // a tenth full: stays idle
    CHECK(policy_of(handle) == SCHED_IDLE);
    live.on_submit(250, 1000);  // a quarter full: raised by the submitting thread
    CHECK(policy_of(handle) == SCHED_OTHER);
    live.on_drained(100, 1000);  // not drained enough
    CHECK(policy_of(handle) == SCHED_OTHER);
    live.on_drained(10, 1000);
    CHECK(policy_of(handle) == SCHED_IDLE);
  }
  done = true;
  w.join();
}

TEST_CASE("sync durability keeps the writer at normal priority") {
  WriterPriority priority;
  std::atomic<int> policy{-1};
  std::thread w([&] {
    priority.attach(false);
    policy = policy_of(pthread_self());
  });
  w.join();
  CHECK_FALSE(priority.adaptive());
  CHECK(policy == SCHED_OTHER);
}

TEST_CASE("a feed consumer runs at nice 19, never SCHED_IDLE, and at nice 0 while raised") {
  WriterPriority priority(WriterPriority::Background::low);
  std::atomic<int> nice_after_attach{-100}, nice_raised{-100}, nice_after{-100};
  std::atomic<int> policy{-1};
  std::thread w([&] {
    priority.attach(true);
    const auto tid = static_cast<id_t>(gettid());
    nice_after_attach = getpriority(PRIO_PROCESS, tid);
    policy = policy_of(pthread_self());
    {
      linktrack::clicklog::RaisedPriority raised(&priority);
      nice_raised = getpriority(PRIO_PROCESS, tid);
    }
    nice_after = getpriority(PRIO_PROCESS, tid);
  });
  w.join();
  CHECK(policy == SCHED_OTHER);
  if (priority.adaptive()) {
    CHECK(nice_after_attach == 19);
    CHECK(nice_raised == 0);
    CHECK(nice_after == 19);
  } else {
    // Without the right to return to nice 0 it stays there throughout.
    CHECK(nice_after_attach == 0);
    CHECK(nice_raised == 0);
    CHECK(nice_after == 0);
  }
}
