// --since and --until as the commands that read the log take them (util/time_text.hpp).
#pragma once

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include "util/clock.hpp"
#include "util/time_text.hpp"

namespace linktrack::cli {

// Unix milliseconds, or nullopt after saying why on stderr.
inline std::optional<std::int64_t> time_option(const std::string& option, const std::string& text) {
  if (auto ms = util::parse_time_bound_ms(text, util::unix_now_ms())) return ms;
  std::cerr << "error: " << option << " wants " << util::kTimeBoundHelp << "\n";
  return std::nullopt;
}

}  // namespace linktrack::cli
