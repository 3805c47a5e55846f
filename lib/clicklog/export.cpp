#include "clicklog/export.hpp"

#include "clicklog/event_text.hpp"
#include "clicklog/export_fields.hpp"
#include "util/huge_pages.hpp"

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
    // A page built whole (no `out`): room for the rest at the size of the events so far, so
    // the page is not copied again as it grows (tens of megabytes for 100,000 events).
    if (!out && q.limit && written == rows) {
      const auto per_event = buffer.size() / static_cast<std::size_t>(written) + 1;
      buffer.reserve(buffer.size() + per_event * static_cast<std::size_t>(*q.limit - written));
      util::advise_huge_pages(buffer.data() + buffer.size(), buffer.capacity() - buffer.size());
    }
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
  // A page is built whole (the API's): room for a typical event each for the first slice;
  // run_export makes room for the rest once it knows how large these events are.
  if (q.limit)
    out.reserve(out.size() +
                static_cast<std::size_t>(std::min<std::int64_t>(*q.limit, 10000)) * 320);
  return run_export(db, q, format, out, nullptr);
}

}  // namespace linktrack::clicklog
