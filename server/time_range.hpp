// --since and --until as the commands that read the log take them: a duration back from now
// (7d, 12h, 45m, seconds) or an RFC 3339 UTC time (2026-11-01T00:00:00Z).
#pragma once

#include <cstdint>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>

#include "util/clock.hpp"
#include "util/duration.hpp"

namespace linktrack::cli {

// Unix milliseconds, or nullopt after saying why on stderr.
inline std::optional<std::int64_t> time_option(const std::string& option, const std::string& text) {
  if (auto seconds = util::parse_duration_seconds(text))
    return util::unix_now_ms() - *seconds * 1000;
  std::tm tm{};
  char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end && (*end == 'Z' || *end == '\0')) return static_cast<std::int64_t>(timegm(&tm)) * 1000;
  std::cerr << "error: " << option
            << " wants a duration back from now (7d, 12h, seconds) or a UTC time "
               "(2026-11-01T00:00:00Z)\n";
  return std::nullopt;
}

}  // namespace linktrack::cli
