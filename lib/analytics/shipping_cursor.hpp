// The spool's cursor for the analytics store (shipping_cursors in the click log): every event
// and verdict change up to after_id has been inserted and acknowledged. Moved only after an
// acknowledged insert, so a crash re-sends at most the batch in flight (ClickHouse keeps one
// row an id). Each call is one short SQLite transaction on the shipper's own connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "clicklog/database.hpp"
#include "clicklog/writer_priority.hpp"

namespace linktrack::analytics {

inline constexpr const char* kClickHouseCursor = "clickhouse";

struct CursorStatus {
  std::int64_t after_id = 0;
  std::int64_t shipped_rows = 0, batches = 0, failures = 0;
  std::optional<std::string> last_error;
  std::optional<std::int64_t> last_error_ms, last_shipped_ms;
};

class ShippingCursor {
 public:
  ShippingCursor(clicklog::Database& db, std::string name,
                 clicklog::WriterPriority* priority = nullptr);
  // Made at the log's start the first time: a node's whole history is shipped.
  std::int64_t open();
  std::int64_t after_id() const { return after_id_; }
  // Ids up to `read_to` are in the store, `rows` of them in the last insert.
  void advance(std::int64_t read_to, std::int64_t rows, std::int64_t now_ms);
  void failed(const std::string& error, std::int64_t now_ms);
  CursorStatus status();

 private:
  clicklog::Database& db_;
  std::string name_;
  clicklog::WriterPriority* priority_;
  std::int64_t after_id_ = 0;
};

// The cursor's state read by another connection (`linktrack` commands); none before the first
// shipper ran.
std::optional<CursorStatus> cursor_status(clicklog::Database& db, const std::string& name);

}  // namespace linktrack::analytics
