#include "util/time_text.hpp"

#include "util/duration.hpp"

namespace linktrack::util {
namespace {

// Reads exactly `width` digits at `pos`.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t width) {
  if (pos + width > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += width;
  return v;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view s) {
  std::size_t pos = 0;
  auto year = digits(s, pos, 4);
  if (!year || !expect(s, pos, '-')) return std::nullopt;
  auto month = digits(s, pos, 2);
  if (!month || *month < 1 || *month > 12 || !expect(s, pos, '-')) return std::nullopt;
  auto day = digits(s, pos, 2);
  if (!day || *day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  std::int64_t ms =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400000;
  if (pos == s.size()) return ms;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  auto hour = digits(s, pos, 2);
  if (!hour || *hour > 23 || !expect(s, pos, ':')) return std::nullopt;
  auto minute = digits(s, pos, 2);
  if (!minute || *minute > 59 || !expect(s, pos, ':')) return std::nullopt;
  auto second = digits(s, pos, 2);
  if (!second || *second > 59) return std::nullopt;
  ms += (*hour * 3600 + *minute * 60 + *second) * 1000LL;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += (s[pos] - '0') * scale;  // digits past the millisecond are dropped
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos == s.size()) return std::nullopt;  // RFC 3339 needs an offset
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    const int sign = s[pos] == '+' ? 1 : -1;
    ++pos;
    auto oh = digits(s, pos, 2);
    if (!oh || *oh > 23 || !expect(s, pos, ':')) return std::nullopt;
    auto om = digits(s, pos, 2);
    if (!om || *om > 59) return std::nullopt;
    ms -= sign * (*oh * 60 + *om) * 60000LL;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  return ms;
}

std::optional<std::int64_t> parse_time_bound_ms(std::string_view text, std::int64_t now_ms) {
  if (auto seconds = parse_duration_seconds(text)) return now_ms - *seconds * 1000;
  return parse_rfc3339_ms(text);
}

}  // namespace linktrack::util
