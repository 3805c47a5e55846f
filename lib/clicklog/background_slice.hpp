// A background thread (the click writer, the re-scorer, the summary) gives its core back
// every 200 µs of work. Sharing a core with an I/O thread, it runs when the I/O thread waits,
// or when the scheduler picks it after the I/O thread has run out its slice; under Linux's
// EEVDF scheduler it then keeps the core until the next tick (4 ms at HZ=250) even at
// SCHED_IDLE, and the clicks that arrive meanwhile wait as long: measured at 80% of the peak
// (tests/bench/compare.py), most of linktrack's p99. A yield ends such a turn: when nothing
// else waits for the core it returns at once.
#pragma once

#include <sched.h>

#include <chrono>

namespace linktrack::clicklog {

class BackgroundSlice {
 public:
  // Once per unit of work (a row read or written, about a microsecond or more): the clock is
  // read every 16 calls.
  void step() {
    if (++calls_ % 16 != 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - since_ < kSlice) return;
    sched_yield();
    since_ = std::chrono::steady_clock::now();
  }

 private:
  static constexpr std::chrono::microseconds kSlice{200};
  unsigned calls_ = 0;
  std::chrono::steady_clock::time_point since_ = std::chrono::steady_clock::now();
};

}  // namespace linktrack::clicklog
