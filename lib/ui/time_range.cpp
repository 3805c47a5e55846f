#include "ui/time_range.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>

namespace linktrack::ui {
namespace {

using namespace std::chrono;
constexpr std::int64_t kHour = 3600000, kDay = 86400000;
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// "YYYY-MM-DD" → days since 1970-01-01; none when it is no date.
std::optional<std::int64_t> parse_date(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n, auto& out) {
    auto r = std::from_chars(text.data() + at, text.data() + at + n, out);
    return r.ec == std::errc() && r.ptr == text.data() + at + n;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
  const year_month_day ymd{year{y}, month{m}, day{d}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd).time_since_epoch().count();
}

year_month_day civil(std::int64_t days) {
  return year_month_day(sys_days(std::chrono::days(days)));
}

std::string date_text(std::int64_t days) {
  const auto ymd = civil(days);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

}  // namespace

std::optional<int> parse_offset(std::string_view text) {
  int v = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size() || v < -720 || v > 840)
    return std::nullopt;
  return v;
}

TimeRange time_range(const Params& params, std::int64_t now_ms, int default_offset) {
  TimeRange r;
  r.offset_minutes = default_offset;
  if (auto tz = params.get("tz"))
    if (auto v = parse_offset(*tz)) r.offset_minutes = *v;
  const std::int64_t offset_ms = r.offset_minutes * 60000LL;
  const auto name = params.get_or("range", "7d");
  const RangeChoice* choice = &kRangeChoices[1];
  for (const auto& c : kRangeChoices)
    if (name == c.name) choice = &c;
  r.name = choice->name;
  if (choice->span_ms) {
    // Whole hours, to the end of this one: what the summary holds (clicklog/summary_stats.hpp).
    r.until_ms = (floor_div(now_ms, kHour) + 1) * kHour;
    r.since_ms = r.until_ms - choice->span_ms;
  } else {
    r.from = params.get_or("from", "");
    r.to = params.get_or("to", "");
    const auto from = parse_date(r.from), to = parse_date(r.to);
    if (!from || !to || *to < *from || *to - *from > 3660) {
      r.error = !from || !to ? "Give both dates as YYYY-MM-DD."
                             : "The end must be on or after the start, at most ten years later.";
      // Until the dates are right, the last 7 days.
      r.until_ms = (floor_div(now_ms, kHour) + 1) * kHour;
      r.since_ms = r.until_ms - 7 * kDay;
      r.name = "7d";
    } else {
      r.since_ms = *from * kDay - offset_ms;
      r.until_ms = (*to + 1) * kDay - offset_ms;
    }
  }
  if (r.from.empty()) r.from = date_text(floor_div(r.since_ms + offset_ms, kDay));
  if (r.to.empty()) r.to = date_text(floor_div(r.until_ms - 1 + offset_ms, kDay));
  r.hourly = r.until_ms - r.since_ms <= 2 * kDay;
  return r;
}

std::string offset_name(int minutes) {
  if (minutes == 0) return "UTC";
  const int a = std::abs(minutes);
  return fmt::format("UTC{}{:02}:{:02}", minutes < 0 ? "\u2212" : "+", a / 60, a % 60);
}

std::string range_query(const TimeRange& r) {
  std::string q = "range=" + r.name;
  if (r.name == "custom") q += "&from=" + r.from + "&to=" + r.to;
  return q + "&tz=" + std::to_string(r.offset_minutes);
}

std::vector<Bucket> buckets(const TimeRange& r) {
  const std::int64_t offset_ms = r.offset_minutes * 60000LL;
  std::vector<Bucket> out;
  const std::int64_t size = r.hourly ? kHour : kDay;
  // Buckets start on the viewer's whole hours or midnights.
  std::int64_t local = floor_div(r.since_ms + offset_ms, size) * size;
  for (; local - offset_ms < r.until_ms; local += size) {
    const auto days = floor_div(local, kDay);
    const auto ymd = civil(days);
    std::string label = fmt::format("{} {}", kMonths[static_cast<unsigned>(ymd.month()) - 1],
                                    static_cast<unsigned>(ymd.day()));
    if (r.hourly) label += fmt::format(" {:02}:00", (local - days * kDay) / kHour);
    out.push_back({local - offset_ms, std::move(label)});
  }
  return out;
}

int bucket_index(const TimeRange& r, const std::vector<Bucket>& b, std::int64_t hour_ms) {
  if (b.empty() || hour_ms < 0) return -1;
  const std::int64_t size = r.hourly ? kHour : kDay;
  // A UTC hour that straddles two local buckets (zones of half hours) goes to the one it starts
  // in.
  const auto i = floor_div(hour_ms - b.front().start_ms, size);
  return i < 0 || i >= static_cast<std::int64_t>(b.size()) ? -1 : static_cast<int>(i);
}

std::int64_t hour_start_ms(const std::string& hour) {
  if (hour.size() != 13 || hour[10] != 'T') return -1;
  const auto days = parse_date(hour.substr(0, 10));
  int h = 0;
  auto res = std::from_chars(hour.data() + 11, hour.data() + 13, h);
  if (!days || res.ec != std::errc() || h < 0 || h > 23) return -1;
  return *days * kDay + h * kHour;
}

std::string local_time(std::int64_t utc_ms, int offset_minutes) {
  const std::int64_t local = utc_ms + offset_minutes * 60000LL;
  const auto days = floor_div(local, kDay);
  const auto in_day = (local - days * kDay) / 1000;
  return fmt::format("{} {:02}:{:02}:{:02}", date_text(days), in_day / 3600, in_day / 60 % 60,
                     in_day % 60);
}

}  // namespace linktrack::ui
