#include "analytics/spool_reader.hpp"

#include "analytics/tsv_text.hpp"
#include "classify/classifier.hpp"
#include "clicklog/event_text.hpp"
#include "clicklog/export_fields.hpp"
#include "clicklog/id_sequence.hpp"

namespace linktrack::analytics {

using clicklog::FieldShape;
using clicklog::kExportFields;

namespace {

// Rows are the export fields in order, then the row's version (the id that made it) and when
// that happened (the event, or the verdict's change): the shipping lag is measured from it.
const int kVersionColumn = static_cast<int>(clicklog::kExportFieldCount);
const int kMadeColumn = kVersionColumn + 1;

std::string events_sql() {
  return "SELECT " + clicklog::export_columns() +
         ", id, time_ms FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?";
}

std::string changed_sql() {
  // An event forgotten or expired since its verdict changed has nothing left to ship.
  return "SELECT " + clicklog::export_columns("e") +
         ", v.id, v.time_ms FROM verdict_changes v JOIN events e ON e.id = v.event_id WHERE v.id > "
         "? AND "
         "v.id <= ? ORDER BY v.id LIMIT ?";
}

void bind_range(clicklog::Statement& s, std::int64_t after, std::int64_t upto, std::int64_t n) {
  s.reset();
  s.bind(1, after);
  s.bind(2, upto);
  s.bind(3, n);
}

}  // namespace

SpoolReader::SpoolReader(clicklog::Database& db, std::string node_id)
    : db_(db),
      node_id_(std::move(node_id)),
      last_id_(db, clicklog::kLastIdSql),
      events_(db, events_sql()),
      changed_(db, changed_sql()),
      first_time_(db, "SELECT time_ms FROM events WHERE id > ? ORDER BY id LIMIT 1") {
  node_tsv_ = "\t";
  append_tsv_string(node_tsv_, node_id_);
}

std::string spool_columns() {
  std::string columns;
  for (const auto& f : kExportFields) {
    columns += (columns.empty() ? "" : ", ") + std::string(f.name);
    if (std::string_view(f.name) == "time") columns += ", time_ms";
  }
  return columns + ", node, version";
}

// NODE:LOCAL, YYYY-MM-DD hh:mm:ss, MS, …, ['reason',…], NODE, VERSION: the export fields
// under their own names, NULL as \N, and the columns only ClickHouse has.
void SpoolReader::append_row(std::string& out, const clicklog::Statement& row) const {
  for (int c = 0; c < static_cast<int>(clicklog::kExportFieldCount); ++c) {
    const auto& f = kExportFields[c];
    if (c) out += '\t';
    if (row.is_null(c)) {
      if (f.shape == FieldShape::reasons)
        out += "[]";
      else
        append_tsv_null(out);
      continue;
    }
    switch (f.shape) {
      case FieldShape::event_id:
        out += node_id_;  // validated: letters, digits and '-'
        out += ':';
        clicklog::append_integer(out, row.int64(c));
        break;
      case FieldShape::time:
        append_tsv_datetime(out, row.int64(c));
        if (std::string_view(f.name) == "time") {  // and exactly, beside it
          out += '\t';
          clicklog::append_integer(out, row.int64(c));
        }
        break;
      case FieldShape::reasons:
        append_tsv_array(out, classify::split_reasons(row.text_view(c)));
        break;
      case FieldShape::text:
        append_tsv_string(out, row.text_view(c));
        break;
    }
  }
  out += node_tsv_;
  out += '\t';
  clicklog::append_integer(out, row.int64(kVersionColumn));
  out += '\n';
}

std::int64_t SpoolReader::last_id() {
  last_id_.reset();
  last_id_.step();
  const auto id = last_id_.int64(0);
  last_id_.reset();
  return id;
}

std::int64_t SpoolReader::first_time_after(std::int64_t after_id) {
  first_time_.reset();
  first_time_.bind(1, after_id);
  const auto t = first_time_.step() ? first_time_.int64(0) : 0;
  first_time_.reset();
  return t;
}

SpoolPage SpoolReader::read(std::int64_t after_id, std::size_t limit, std::int64_t span) {
  SpoolPage page;
  page.after_id = page.read_to = after_id;
  clicklog::ReadTransaction snapshot(db_);  // the last id and the rows as of one moment
  last_id_.reset();
  last_id_.step();
  page.last_id = last_id_.int64(0);
  const std::int64_t upto = std::min(page.last_id, after_id + span);
  last_id_.reset();
  if (upto <= after_id) return page;
  const auto n = static_cast<std::int64_t>(limit);
  bind_range(events_, after_id, upto, n);
  bind_range(changed_, after_id, upto, n);
  bool has_event = events_.step();
  bool has_change = changed_.step();
  std::int64_t last = after_id;
  while (page.count < n && (has_event || has_change)) {
    const bool take_event = has_event && (!has_change || events_.int64(kVersionColumn) <
                                                             changed_.int64(kVersionColumn));
    clicklog::Statement& row = take_event ? events_ : changed_;
    append_row(page.rows, row);
    if (!page.count++) page.first_time_ms = row.int64(kMadeColumn);
    last = row.int64(kVersionColumn);
    if (take_event)
      has_event = events_.step();
    else
      has_change = changed_.step();
  }
  events_.reset();
  changed_.reset();
  // A full page ends at its last row; otherwise every id up to `upto` was looked at.
  page.read_to = page.count == n ? last : upto;
  return page;
}

}  // namespace linktrack::analytics
