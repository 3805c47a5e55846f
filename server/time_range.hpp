// Times as the commands take and show them: --since and --until (util/time_text.hpp), ages,
// and RFC 3339 times in JSON.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "clicklog/event_text.hpp"
#include "util/clock.hpp"
#include "util/time_text.hpp"

namespace linktrack::cli {

// Unix milliseconds, or nullopt after saying why on stderr.
inline std::optional<std::int64_t> time_option(const std::string& option, const std::string& text) {
  if (auto ms = util::parse_time_bound_ms(text, util::unix_now_ms())) return ms;
  std::cerr << "error: " << option << " wants " << util::kTimeBoundHelp << "\n";
  return std::nullopt;
}

// An RFC 3339 time in JSON, or null.
inline nlohmann::json optional_time(const std::optional<std::int64_t>& ms) {
  return ms ? nlohmann::json(clicklog::rfc3339_ms(*ms)) : nlohmann::json(nullptr);
}

// A duration for people: 45s, 12m, 5h, 3d.
inline std::string age_text(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  if (s < 120) return fmt::format("{}s", s);
  if (s < 7200) return fmt::format("{}m", s / 60);
  if (s < 172800) return fmt::format("{}h", s / 3600);
  return fmt::format("{}d", s / 86400);
}

}  // namespace linktrack::cli
