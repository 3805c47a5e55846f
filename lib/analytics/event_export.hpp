// `export` and the API's events read from ClickHouse: every node's events, in the formats of
// the SQLite export (the same fields, the same formatter), ordered by time and then id. Across
// nodes there is no one id order, so the cursor is an event id whose time and id the next page
// starts after; an event that a node ships late (it was cut off from ClickHouse) with a time a
// cursor has passed is not seen by that cursor (README "Many nodes").
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "analytics/clickhouse_client.hpp"
#include "clicklog/export.hpp"

namespace linktrack::analytics {

struct SharedExportQuery {
  std::optional<std::int64_t> since_ms, until_ms;  // [since, until)
  std::optional<std::string> campaign;
  std::optional<std::string> after;   // an event id (NODE:LOCAL): the events after it
  std::optional<std::int64_t> limit;  // at most this many
};

struct SharedExportResult {
  std::int64_t events = 0;
  std::optional<std::string> last_id;  // of the last event written
};

// Throws ClickHouseError, also for an `after` id ClickHouse does not have.
SharedExportResult export_events(ClickHouseClient& ch, const SharedExportQuery& q,
                                 clicklog::ExportFormat format, std::ostream& out);
SharedExportResult export_events(ClickHouseClient& ch, const SharedExportQuery& q,
                                 clicklog::ExportFormat format, std::string& out);

}  // namespace linktrack::analytics
