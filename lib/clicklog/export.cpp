#include "clicklog/export.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <climits>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <vector>

#include "classify/classifier.hpp"
#include "util/utf8.hpp"

namespace linktrack::clicklog {
namespace {

// The exported fields, declared once: the header row, the JSON names and the SELECT follow.
enum class Shape { integer, text, time, reasons };
struct ExportField {
  const char* name;
  const char* expression;  // over `events`
  Shape shape;
};
constexpr ExportField kExportFields[] = {
    {"id", "id", Shape::integer},          {"time", "time_ms", Shape::time},
    {"kind", "kind", Shape::text},         {"host", "host", Shape::text},
    {"campaign", "campaign", Shape::text}, {"template", "template", Shape::text},
    {"message", "message", Shape::text},   {"recipient", "recipient", Shape::text},
    {"link", "link", Shape::text},         {"destination", "destination", Shape::text},
    {"ip", "client_ip", Shape::text},      {"user_agent", "user_agent", Shape::text},
    {"referer", "referer", Shape::text},   {"sent_at", "sent_at * 1000", Shape::time},
    {"verdict", "verdict", Shape::text},   {"reasons", "reasons", Shape::reasons},
};

std::string select_sql(const ExportQuery& q) {
  std::string columns;
  for (const auto& f : kExportFields)
    columns += (columns.empty() ? "" : ", ") + std::string(f.expression);
  std::string sql = "SELECT " + columns + " FROM events WHERE id > ?";
  if (q.since_ms) sql += " AND time_ms >= ?";
  if (q.until_ms) sql += " AND time_ms < ?";
  if (q.campaign) sql += " AND campaign = ?";
  return sql + " ORDER BY id LIMIT ?";
}

// RFC 4180: quoted when it holds a comma, quote or line break. A cell a spreadsheet would run
// as a formula (= + - @ first; user agents and referers are anyone's to choose) gets a leading
// apostrophe, as OWASP's CSV-injection advice has it.
void csv_cell(std::string& line, std::string_view v, bool text) {
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
void json_string(std::string& out, std::string_view s) {
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

}  // namespace

std::string rfc3339_ms(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, unix_ms % 1000);
}

namespace {

// Formats into `buffer`; with `out`, passes it on in 64 KiB pieces as it fills.
ExportResult run_export(Database& db, const ExportQuery& q, ExportFormat format,
                        std::string& buffer, std::ostream* out) {
  constexpr std::int64_t kSlice = 10000;
  Statement read(db, select_sql(q));
  std::int64_t after = q.after_id, written = 0;
  // ,"name": for each field, made once.
  std::array<std::string, std::size(kExportFields)> keys;
  for (std::size_t c = 0; c < keys.size(); ++c)
    keys[c] = (c ? ",\"" : "\"") + std::string(kExportFields[c].name) + "\":";
  if (format == ExportFormat::csv) {
    for (const auto& f : kExportFields) buffer += (buffer.empty() ? "" : ",") + std::string(f.name);
    buffer += "\r\n";
  }
  for (;;) {
    // One slice a statement run: each is its own short read transaction.
    read.reset();
    int i = 1;
    read.bind(i++, after);
    if (q.since_ms) read.bind(i++, *q.since_ms);
    if (q.until_ms) read.bind(i++, *q.until_ms);
    if (q.campaign) read.bind(i++, *q.campaign);
    const std::int64_t slice = q.limit ? std::min(kSlice, *q.limit - written) : kSlice;
    if (slice <= 0) break;
    read.bind(i++, slice);
    std::int64_t rows = 0;
    while (read.step()) {
      ++rows;
      ++written;
      after = read.int64(0);
      if (format == ExportFormat::ndjson) {
        buffer += '{';
        for (int c = 0; c < static_cast<int>(std::size(kExportFields)); ++c) {
          const auto& f = kExportFields[c];
          buffer += keys[c];
          if (read.is_null(c)) {
            buffer += f.shape == Shape::reasons ? "[]" : "null";
          } else if (f.shape == Shape::integer) {
            append_integer(buffer, read.int64(c));
          } else if (f.shape == Shape::time) {
            buffer += '"';
            append_rfc3339_ms(buffer, read.int64(c));
            buffer += '"';
          } else if (f.shape == Shape::reasons) {
            buffer += '[';
            const auto text = read.text_view(c);
            bool first = true;
            for (auto r : classify::split_reasons(text)) {
              if (!first) buffer += ',';
              first = false;
              json_string(buffer, r);
            }
            buffer += ']';
          } else {
            json_string(buffer, read.text_view(c));
          }
        }
        buffer += "}\n";
      } else {
        for (int c = 0; c < static_cast<int>(std::size(kExportFields)); ++c) {
          const auto& f = kExportFields[c];
          if (c) buffer += ',';
          if (read.is_null(c)) continue;
          if (f.shape == Shape::integer)
            append_integer(buffer, read.int64(c));
          else if (f.shape == Shape::time)
            append_rfc3339_ms(buffer, read.int64(c));
          else if (f.shape == Shape::reasons) {
            std::string joined = read.text(c);
            std::replace(joined.begin(), joined.end(), ' ', ';');
            csv_cell(buffer, joined, true);
          } else
            csv_cell(buffer, read.text_view(c), true);
        }
        buffer += "\r\n";
      }
      if (out && buffer.size() > (1 << 16)) {
        *out << buffer;
        buffer.clear();
      }
    }
    if (rows < slice) break;
  }
  if (out) *out << buffer << std::flush;
  return {written, after};
}

}  // namespace

ExportResult export_events(Database& db, const ExportQuery& q, ExportFormat format,
                           std::ostream& out) {
  std::string buffer;
  return run_export(db, q, format, buffer, &out);
}

ExportResult export_events(Database& db, const ExportQuery& q, ExportFormat format,
                           std::string& out) {
  // A page is built whole (the API's): room for a typical event each, so it is not copied
  // over and over as it grows.
  if (q.limit)
    out.reserve(out.size() +
                static_cast<std::size_t>(std::min<std::int64_t>(*q.limit, 100000)) * 320);
  return run_export(db, q, format, out, nullptr);
}

}  // namespace linktrack::clicklog
