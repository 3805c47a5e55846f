#include "clicklog/export.hpp"

#include <fmt/format.h>

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
  std::string cell;
  if (text && !v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos)
    cell = "'";
  cell += v;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    line += cell;
    return;
  }
  line += '"';
  for (char c : cell) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

// A JSON string (RFC 8259), appended. By hand rather than through nlohmann::json: building a
// json object per event made export four times slower. Text that is not UTF-8 (the log holds
// what clients sent) goes through nlohmann's replacing dump, so the line stays valid JSON.
void json_string(std::string& out, std::string_view s) {
  if (!util::is_utf8(s)) {
    out += nlohmann::json(std::string(s))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  for (unsigned char ch : s) {
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
      default:
        if (ch < 0x20) {
          out += fmt::format("\\u{:04x}", ch);
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  out += '"';
}

}  // namespace

std::string rfc3339_ms(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, unix_ms % 1000);
}

ExportResult export_events(Database& db, const ExportQuery& q, ExportFormat format,
                           std::ostream& out) {
  constexpr std::int64_t kSlice = 10000;
  Statement read(db, select_sql(q));
  std::int64_t after = q.after_id, written = 0;
  std::string buffer;
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
          if (c) buffer += ',';
          buffer += '"';
          buffer += f.name;
          buffer += "\":";
          if (read.is_null(c)) {
            buffer += f.shape == Shape::reasons ? "[]" : "null";
          } else if (f.shape == Shape::integer) {
            buffer += std::to_string(read.int64(c));
          } else if (f.shape == Shape::time) {
            json_string(buffer, rfc3339_ms(read.int64(c)));
          } else if (f.shape == Shape::reasons) {
            buffer += '[';
            const auto text = read.text(c);
            bool first = true;
            for (auto r : classify::split_reasons(text)) {
              if (!first) buffer += ',';
              first = false;
              json_string(buffer, r);
            }
            buffer += ']';
          } else {
            json_string(buffer, read.text(c));
          }
        }
        buffer += "}\n";
      } else {
        for (int c = 0; c < static_cast<int>(std::size(kExportFields)); ++c) {
          const auto& f = kExportFields[c];
          if (c) buffer += ',';
          if (read.is_null(c)) continue;
          if (f.shape == Shape::integer)
            buffer += std::to_string(read.int64(c));
          else if (f.shape == Shape::time)
            buffer += rfc3339_ms(read.int64(c));
          else if (f.shape == Shape::reasons) {
            std::string joined = read.text(c);
            std::replace(joined.begin(), joined.end(), ' ', ';');
            csv_cell(buffer, joined, true);
          } else
            csv_cell(buffer, read.text(c), true);
        }
        buffer += "\r\n";
      }
      if (buffer.size() > (1 << 16)) {
        out << buffer;
        buffer.clear();
      }
    }
    if (rows < slice) break;
  }
  out << buffer << std::flush;
  return {written, after};
}

}  // namespace linktrack::clicklog
