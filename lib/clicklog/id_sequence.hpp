// The log's one id sequence (migrations/0003 and 0004): events and the re-scorer's verdict
// changes are numbered from it, each inside its write transaction, so ids only grow and are
// committed in order. The statements that read and record it, declared once.
#pragma once

namespace linktrack::clicklog {

// The id the next ones number after (also right for a log whose counter lags its rows).
inline constexpr const char* kIdBaseSql =
    "SELECT max(coalesce((SELECT max(id) FROM events), 0), coalesce((SELECT value FROM counters "
    "WHERE name = 'last_event_id'), 0))";
// Records the last id given (bind 1), in the same transaction.
inline constexpr const char* kRecordLastIdSql =
    "INSERT INTO counters (name, value) VALUES ('last_event_id', ?) ON CONFLICT (name) DO "
    "UPDATE SET value = excluded.value";
// The last id given; 0 for an empty log.
inline constexpr const char* kLastIdSql =
    "SELECT coalesce((SELECT value FROM counters WHERE name = 'last_event_id'), 0)";

}  // namespace linktrack::clicklog
