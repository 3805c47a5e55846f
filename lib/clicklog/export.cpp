#include "clicklog/export.hpp"

#include "clicklog/event_text.hpp"
#include "clicklog/export_fields.hpp"

namespace linktrack::clicklog {
namespace {

std::string select_sql(const ExportQuery& q) {
  std::string sql = "SELECT " + export_columns() + " FROM events WHERE id > ?";
  if (q.since_ms) sql += " AND time_ms >= ?";
  if (q.until_ms) sql += " AND time_ms < ?";
  if (q.campaign) sql += " AND campaign = ?";
  return sql + " ORDER BY id LIMIT ?";
}

// Formats into `buffer`; with `out`, passes it on in 64 KiB pieces as it fills.
ExportResult run_export(Database& db, const ExportQuery& q, ExportFormat format,
                        std::string& buffer, std::ostream* out) {
  constexpr std::int64_t kSlice = 10000;
  Statement read(db, select_sql(q));
  std::int64_t after = q.after_id, written = 0;
  const EventFormatter formatter(q.node_id);
  if (format == ExportFormat::csv) buffer += export_csv_header();
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
        formatter.json_object(buffer, read);
        buffer += '\n';
      } else {
        formatter.csv_row(buffer, read);
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
