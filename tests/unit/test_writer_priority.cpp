#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
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

TEST_CASE("a feed consumer runs at nice 19, never SCHED_IDLE, also while it holds the lock") {
  WriterPriority priority(WriterPriority::Background::low);
  std::atomic<int> nice_after_attach{-100}, nice_holding{-100}, nice_raised{-100}, nice_after{-100};
  std::atomic<int> policy{-1};
  std::thread w([&] {
    priority.attach(true);
    const auto tid = static_cast<id_t>(gettid());
    nice_after_attach = getpriority(PRIO_PROCESS, tid);
    policy = policy_of(pthread_self());
    {
      linktrack::clicklog::WriteLockHolder holding(&priority);
      nice_holding = getpriority(PRIO_PROCESS, tid);
      WriterPriority::raise_lock_holders();  // as the click writer does while it waits
      nice_raised = getpriority(PRIO_PROCESS, tid);
    }
    nice_after = getpriority(PRIO_PROCESS, tid);
  });
  w.join();
  CHECK(policy == SCHED_OTHER);
  if (priority.adaptive()) {
    CHECK(nice_after_attach == 19);
    CHECK(nice_holding == 19);
    CHECK(nice_raised == 0);
    CHECK(nice_after == 19);
  } else {
    // Without the right to return to nice 0 it stays there throughout.
    CHECK(nice_after_attach == 0);
    CHECK(nice_holding == 0);
    CHECK(nice_raised == 0);
    CHECK(nice_after == 0);
  }
}

TEST_CASE("a background lock holder is raised only while someone waits for it") {
  WriterPriority priority;  // SCHED_IDLE in the background: the re-scorer, the summary
  std::atomic<int> step{0};
  auto wait_for = [&](int s) {
    while (step < s) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  };
  std::thread w([&] {
    priority.attach(true);
    step = 1;
    wait_for(2);
    {
      linktrack::clicklog::WriteLockHolder holding(&priority);
      step = 3;
      wait_for(4);
    }
    step = 5;
    wait_for(6);
  });
  wait_for(1);
  const pthread_t handle = w.native_handle();
  if (!priority.adaptive()) {
    CHECK(policy_of(handle) == SCHED_OTHER);
  } else {
    CHECK(policy_of(handle) == SCHED_IDLE);
    WriterPriority::raise_lock_holders();  // holds nothing yet: not raised
    CHECK(policy_of(handle) == SCHED_IDLE);
    step = 2;
    wait_for(3);
    CHECK(policy_of(handle) == SCHED_IDLE);  // holding alone raises nothing
    WriterPriority::raise_lock_holders();
    CHECK(policy_of(handle) == SCHED_OTHER);
    step = 4;
    wait_for(5);
    CHECK(policy_of(handle) == SCHED_IDLE);  // let go: back in the background
    WriterPriority::raise_lock_holders();
    CHECK(policy_of(handle) == SCHED_IDLE);
  }
  step = 6;
  w.join();
}
