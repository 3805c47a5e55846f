// Times as people and other systems write them: RFC 3339 timestamps, and the "since"/"until"
// bounds the commands and the API take (a span back from now, or an RFC 3339 time).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace linktrack::util {

// "2026-11-01T00:00:00Z", "2026-11-01T01:00:00.250+01:00" (RFC 3339, section 5.6; "t", "z" and
// a space for the "T" accepted, as the RFC allows) → Unix milliseconds. A date alone
// ("2026-11-01") is that day's midnight UTC. Leap seconds (":60") are refused.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

// A bound for a time range: a span back from `now_ms` ("7d", "12h", "45m", plain seconds) or an
// RFC 3339 time.
std::optional<std::int64_t> parse_time_bound_ms(std::string_view text, std::int64_t now_ms);

// What parse_time_bound_ms accepts, for error messages.
inline constexpr const char* kTimeBoundHelp =
    "a span back from now (7d, 12h, seconds) or an RFC 3339 time (2026-11-01T00:00:00Z)";

}  // namespace linktrack::util
