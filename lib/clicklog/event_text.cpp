#include "clicklog/event_text.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <climits>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "util/utf8.hpp"

namespace linktrack::clicklog {

// RFC 4180: quoted when it holds a comma, quote or line break. A cell a spreadsheet would run
// as a formula (= + - @ first; user agents and referers are anyone's to choose) gets a leading
// apostrophe, as OWASP's CSV-injection advice has it.
void append_csv_cell(std::string& line, std::string_view v, bool text) {
  const bool guard =
      text && !v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos;
  const bool quoted = v.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quoted) line += '"';
  if (guard) line += '\'';
  if (!quoted) {
    line += v;
    return;
  }
  for (char c : v) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

// A JSON string (RFC 8259), appended. By hand rather than through nlohmann::json: building a
// json object per event made export four times slower. Runs that need no escaping are copied
// whole. Text that is not UTF-8 (the log holds what clients sent) goes through nlohmann's
// replacing dump, so the line stays valid JSON.
void append_json_string(std::string& out, std::string_view s) {
  // What each byte needs: 0 nothing, 1 an escape, 2 a UTF-8 check of the whole string.
  static constexpr auto kByteClass = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = 1;
    t['"'] = t['\\'] = 1;
    for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
    return t;
  }();
  const std::size_t start = out.size();
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  bool checked = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto ch = static_cast<unsigned char>(s[i]);
    const auto cls = kByteClass[ch];
    if (cls == 0) continue;
    if (cls == 2) {
      if (!checked && !util::is_utf8(s)) {
        out.resize(start);
        out += nlohmann::json(std::string(s))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      checked = true;
      continue;
    }
    out.append(s, run, i - run);
    run = i + 1;
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char escaped[] = {'\\', 'u', '0', '0', kHex[ch >> 4], kHex[ch & 15]};
        out.append(escaped, sizeof escaped);
      }
    }
  }
  out.append(s, run, s.size() - run);
  out += '"';
}

// rfc3339_ms into `out`, without a format string or a gmtime per call: the date is worked out
// again only when the day changes (the log is in time order, so rarely).
void append_rfc3339_ms(std::string& out, std::int64_t unix_ms) {
  thread_local std::int64_t cached_day = INT64_MIN;
  thread_local char date[11];
  const std::int64_t day = unix_ms >= 0 ? unix_ms / 86400000 : (unix_ms - 86399999) / 86400000;
  if (day != cached_day) {
    const std::string full = rfc3339_ms(day * 86400000);
    std::memcpy(date, full.data(), 10);
    date[10] = 'T';
    cached_day = day;
  }
  std::int64_t ms = unix_ms - day * 86400000;
  const auto two = [](char* p, std::int64_t v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  char t[13];  // HH:MM:SS.mmmZ
  two(t, ms / 3600000);
  t[2] = ':';
  two(t + 3, ms / 60000 % 60);
  t[5] = ':';
  two(t + 6, ms / 1000 % 60);
  t[8] = '.';
  ms %= 1000;
  t[9] = static_cast<char>('0' + ms / 100);
  two(t + 10, ms % 100);
  t[12] = 'Z';
  out.append(date, sizeof date);
  out.append(t, sizeof t);
}

void append_integer(std::string& out, std::int64_t v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, end);
}

std::string rfc3339_ms(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, unix_ms % 1000);
}

}  // namespace linktrack::clicklog
