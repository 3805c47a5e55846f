// The wall clock as the log stores it: Unix milliseconds, UTC.
#pragma once

#include <chrono>
#include <cstdint>

namespace linktrack::util {

inline std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace linktrack::util
