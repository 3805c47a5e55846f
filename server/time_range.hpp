// --since and --until as the commands that read the log take them: a duration back from now
// (7d, 12h, 45m, seconds) or an RFC 3339 UTC time (2026-11-01T00:00:00Z).
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>

#include "util/duration.hpp"

namespace linktrack::cli {

inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Unix milliseconds, or nullopt after saying why on stderr.
inline std::optional<std::int64_t> time_option(const std::string& option, const std::string& text) {
  if (auto seconds = util::parse_duration_seconds(text)) return now_ms() - *seconds * 1000;
  std::tm tm{};
  char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end && (*end == 'Z' || *end == '\0')) return static_cast<std::int64_t>(timegm(&tm)) * 1000;
  std::cerr << "error: " << option
            << " wants a duration back from now (7d, 12h, seconds) or a UTC time "
               "(2026-11-01T00:00:00Z)\n";
  return std::nullopt;
}

}  // namespace linktrack::cli
