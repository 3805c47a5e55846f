// The period a page shows and the buckets of its charts, in the viewer's time zone. The zone is
// an offset from UTC (what the browser reports; a range across a change of daylight saving time
// keeps the offset of today).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ui/request.hpp"

namespace linktrack::ui {

// The ranges offered, declared once: the form's choices and the parser follow from it.
struct RangeChoice {
  const char* name;
  const char* label;
  std::int64_t span_ms;  // 0: custom dates
};
inline constexpr RangeChoice kRangeChoices[] = {
    {"24h", "Last 24 hours", 86400000LL},
    {"7d", "Last 7 days", 7 * 86400000LL},
    {"30d", "Last 30 days", 30 * 86400000LL},
    {"custom", "Custom dates", 0},
};

struct TimeRange {
  std::string name = "7d";
  std::int64_t since_ms = 0;  // inclusive
  std::int64_t until_ms = 0;  // exclusive
  int offset_minutes = 0;     // the viewer's zone, east of UTC
  std::string from, to;       // custom: YYYY-MM-DD in the viewer's zone, both days included
  bool hourly = false;        // the charts' buckets: hours (up to two days) or days
  std::string error;          // a custom range that could not be read, and why
};

// From the parameters `range`, `from`, `to` and `tz` (minutes east of UTC, −720…840); `tz`
// absent: `default_offset` (the viewer's cookie).
TimeRange time_range(const Params& params, std::int64_t now_ms, int default_offset);

// Minutes east of UTC, as `tz` and the zone cookie carry them (−720…840); none when not.
std::optional<int> parse_offset(std::string_view text);

// "+05:30", "−08:00", "UTC".
std::string offset_name(int minutes);

// The query string that reproduces the range ("range=7d&tz=60").
std::string range_query(const TimeRange& r);

struct Bucket {
  std::int64_t start_ms;  // UTC
  std::string label;      // in the viewer's zone: "Dec 3 14:00" or "Dec 3"
};
std::vector<Bucket> buckets(const TimeRange& r);
// The bucket a UTC hour ("2026-12-03T14", as the stats' by=hour give it) falls in; -1: none.
int bucket_index(const TimeRange& r, const std::vector<Bucket>& b, std::int64_t hour_start_ms);

// "2026-12-03T14" → its start in Unix milliseconds; -1 when malformed.
std::int64_t hour_start_ms(const std::string& hour);
// A UTC time as the viewer reads it: "2026-12-03 14:05:09".
std::string local_time(std::int64_t utc_ms, int offset_minutes);

}  // namespace linktrack::ui
