#include "analytics/shipping_cursor.hpp"

namespace linktrack::analytics {

using clicklog::Statement;

ShippingCursor::ShippingCursor(clicklog::Database& db, std::string name,
                               clicklog::WriterPriority* priority)
    : db_(db), name_(std::move(name)), priority_(priority) {}

std::int64_t ShippingCursor::open() {
  {
    clicklog::WriteLockHolder holding(priority_);
    Statement s(
        db_, "INSERT INTO shipping_cursors (name, after_id) VALUES (?, 0) ON CONFLICT DO NOTHING");
    s.bind(1, name_);
    s.step();
  }
  after_id_ = status().after_id;
  return after_id_;
}

void ShippingCursor::advance(std::int64_t read_to, std::int64_t rows, std::int64_t now_ms) {
  clicklog::WriteLockHolder holding(priority_);
  Statement s(db_,
              "UPDATE shipping_cursors SET after_id = ?, shipped_rows = shipped_rows + ?, "
              "batches = batches + (? > 0), last_shipped_ms = CASE WHEN ? > 0 THEN ? ELSE "
              "last_shipped_ms END WHERE name = ?");
  s.bind(1, read_to);
  s.bind(2, rows);
  s.bind(3, rows);
  s.bind(4, rows);
  s.bind(5, now_ms);
  s.bind(6, name_);
  s.step();
  after_id_ = read_to;
}

void ShippingCursor::failed(const std::string& error, std::int64_t now_ms) {
  clicklog::WriteLockHolder holding(priority_);
  Statement s(db_,
              "UPDATE shipping_cursors SET failures = failures + 1, last_error = ?, "
              "last_error_ms = ? WHERE name = ?");
  s.bind(1, error);
  s.bind(2, now_ms);
  s.bind(3, name_);
  s.step();
}

CursorStatus ShippingCursor::status() {
  auto s = cursor_status(db_, name_);
  return s ? *s : CursorStatus{};
}

std::optional<CursorStatus> cursor_status(clicklog::Database& db, const std::string& name) {
  Statement s(db,
              "SELECT after_id, shipped_rows, batches, failures, last_error, last_error_ms, "
              "last_shipped_ms FROM shipping_cursors WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  CursorStatus c;
  c.after_id = s.int64(0);
  c.shipped_rows = s.int64(1);
  c.batches = s.int64(2);
  c.failures = s.int64(3);
  c.last_error = s.optional_text(4);
  if (!s.is_null(5)) c.last_error_ms = s.int64(5);
  if (!s.is_null(6)) c.last_shipped_ms = s.int64(6);
  return c;
}

}  // namespace linktrack::analytics
