#include "analytics/event_export.hpp"

#include <array>
#include <exception>
#include <nlohmann/json.hpp>

#include "clicklog/export_fields.hpp"

namespace linktrack::analytics {

using clicklog::FieldShape;
using clicklog::kExportFieldCount;
using clicklog::kExportFields;

namespace {

constexpr std::int64_t kSlice = 100000;  // rows a query: ClickHouse sorts no more at once

// Each export field read from ClickHouse's columns as the SQLite export reads it from the log:
// times in Unix ms, reasons space-separated.
std::string select_list() {
  std::string list;
  for (const auto& f : kExportFields) {
    const std::string name = f.name;
    std::string e;
    if (f.shape == FieldShape::time)
      e = name == "time" ? "time_ms" : "toInt64(toUnixTimestamp(" + name + ")) * 1000";
    else if (f.shape == FieldShape::reasons)
      e = "arrayStringConcat(" + name + ", ' ')";
    else
      e = name;
    list += (list.empty() ? "" : ", ") + e + " AS " + name;
  }
  return list;
}

// A row of the answer, as the formatter reads rows.
class Row {
 public:
  void parse(const std::string& line) {
    const auto j = nlohmann::json::parse(line);
    for (std::size_t c = 0; c < kExportFieldCount; ++c) {
      const auto& v = j.at(kExportFields[c].name);
      null_[c] = v.is_null();
      if (null_[c]) continue;
      if (kExportFields[c].shape == FieldShape::time)
        ints_[c] = v.is_string() ? std::stoll(v.get<std::string>()) : v.get<std::int64_t>();
      else
        texts_[c] = v.get<std::string>();
    }
  }
  bool is_null(int c) const { return null_[static_cast<std::size_t>(c)]; }
  std::int64_t int64(int c) const { return ints_[static_cast<std::size_t>(c)]; }
  std::string_view text_view(int c) const { return texts_[static_cast<std::size_t>(c)]; }
  std::string_view event_id_text(int c) const { return text_view(c); }
  std::int64_t time_ms() const { return ints_[1]; }
  const std::string& id() const { return texts_[0]; }

 private:
  std::array<bool, kExportFieldCount> null_{};
  std::array<std::int64_t, kExportFieldCount> ints_{};
  std::array<std::string, kExportFieldCount> texts_;
};

static_assert(std::string_view(kExportFields[0].name) == "id" &&
              std::string_view(kExportFields[1].name) == "time");

SharedExportResult run_export(ClickHouseClient& ch, const SharedExportQuery& q,
                              clicklog::ExportFormat format, std::string& buffer,
                              std::ostream* out) {
  const std::string table = ch.database() + ".events";
  std::string where = "1";
  if (q.since_ms) where += " AND time_ms >= " + std::to_string(*q.since_ms);
  if (q.until_ms) where += " AND time_ms < " + std::to_string(*q.until_ms);
  if (q.campaign) where += " AND ifNull(campaign = " + quote(*q.campaign) + ", 0)";
  std::optional<std::pair<std::int64_t, std::string>> after;  // (time_ms, id)
  if (q.after) {
    const auto t = ch.query("SELECT time_ms FROM " + table + " WHERE id = " + quote(*q.after) +
                            " LIMIT 1 FORMAT TabSeparated");
    if (t.empty()) throw ClickHouseError("no event " + *q.after + " in ClickHouse");
    after.emplace(std::stoll(t), *q.after);
  }
  const clicklog::EventFormatter formatter("");
  if (format == clicklog::ExportFormat::csv) buffer += clicklog::export_csv_header();
  SharedExportResult result;
  const std::string select = "SELECT " + select_list() + " FROM " + table + " FINAL WHERE ";
  Row row;
  for (;;) {
    const std::int64_t slice = q.limit ? std::min(kSlice, *q.limit - result.events) : kSlice;
    if (slice <= 0) break;
    std::string sql = select + where;
    if (after)
      sql += " AND (time_ms > " + std::to_string(after->first) +
             " OR (time_ms = " + std::to_string(after->first) + " AND id > " +
             quote(after->second) + "))";
    sql += " ORDER BY time_ms, id LIMIT " + std::to_string(slice) + " FORMAT JSONEachRow";
    std::int64_t rows = 0;
    std::string partial;  // a line cut between two pieces of the answer
    auto take_line = [&](const std::string& line) {
      if (line.empty()) return;
      row.parse(line);
      ++rows;
      if (format == clicklog::ExportFormat::ndjson) {
        formatter.json_object(buffer, row);
        buffer += '\n';
      } else {
        formatter.csv_row(buffer, row);
      }
      after.emplace(row.time_ms(), row.id());
      if (out && buffer.size() > (1 << 16)) {
        *out << buffer;
        buffer.clear();
      }
    };
    std::exception_ptr failure;  // nothing may be thrown through libcurl's callback
    try {
      ch.query(sql, [&](std::string_view piece) {
        try {
          std::size_t start = 0;
          for (std::size_t nl; (nl = piece.find('\n', start)) != std::string_view::npos;
               start = nl + 1) {
            partial.append(piece.substr(start, nl - start));
            take_line(partial);
            partial.clear();
          }
          partial.append(piece.substr(start));
          return true;
        } catch (...) {
          failure = std::current_exception();
          return false;
        }
      });
    } catch (const ClickHouseError&) {
      if (!failure) throw;
    }
    if (failure) std::rethrow_exception(failure);
    take_line(partial);
    result.events += rows;
    if (rows < slice) break;
  }
  if (after) result.last_id = after->second;
  if (out) *out << buffer << std::flush;
  return result;
}

}  // namespace

SharedExportResult export_events(ClickHouseClient& ch, const SharedExportQuery& q,
                                 clicklog::ExportFormat format, std::ostream& out) {
  std::string buffer;
  return run_export(ch, q, format, buffer, &out);
}

SharedExportResult export_events(ClickHouseClient& ch, const SharedExportQuery& q,
                                 clicklog::ExportFormat format, std::string& out) {
  return run_export(ch, q, format, out, nullptr);
}

}  // namespace linktrack::analytics
