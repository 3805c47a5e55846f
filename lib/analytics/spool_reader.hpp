// The node's click log read as rows for ClickHouse's `events` table: every event, and for each
// verdict the re-scorer changed, the changed event's whole row again, versioned by the change's
// id so that it replaces the first. Rows are JSONEachRow lines, in id order.
#pragma once

#include <cstdint>
#include <string>

#include "clicklog/database.hpp"

namespace linktrack::analytics {

struct SpoolPage {
  std::int64_t after_id = 0;  // the cursor it was read from
  std::string rows;           // TabSeparated: one row a line
  std::int64_t count = 0;
  std::int64_t first_time_ms = 0;  // when its first row's event (or verdict change) happened
  std::int64_t read_to = 0;        // every id up to this one was looked at: the next cursor
  std::int64_t last_id = 0;        // the log's last id when it was read
};

// The columns of a row, for the INSERT: the export fields, with time_ms after time, then node
// and version.
std::string spool_columns();

class SpoolReader {
 public:
  SpoolReader(clicklog::Database& db, std::string node_id);
  // Up to `limit` rows with ids after `after_id`, looking at no more than `span` ids.
  SpoolPage read(std::int64_t after_id, std::size_t limit, std::int64_t span = 1000000);
  // The log's last id, and when the first event after `after_id` happened (0: none): what is
  // waiting, for the metrics while nothing can be shipped.
  std::int64_t last_id();
  std::int64_t first_time_after(std::int64_t after_id);

 private:
  void append_row(std::string& out, const clicklog::Statement& row) const;

  clicklog::Database& db_;
  std::string node_id_;
  std::string node_tsv_;  // \tNODE
  clicklog::Statement last_id_, events_, changed_, first_time_;
};

}  // namespace linktrack::analytics
