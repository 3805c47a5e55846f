// The columns of the `events` table, derived from LINKTRACK_EVENT_FIELDS (event.hpp): the
// writer's INSERT and binds, and the columns `migrate` adds for fields newer than the table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "clicklog/database.hpp"
#include "clicklog/event.hpp"

namespace linktrack::clicklog {

// How each C++ type of a field is bound, without copying: the event must outlive the
// statement's next step().
inline void bind_field(Statement& s, int i, std::int64_t v) {
  s.bind(i, v);
}
inline void bind_field(Statement& s, int i, std::uint32_t v) {
  s.bind(i, static_cast<std::int64_t>(v));
}
inline void bind_field(Statement& s, int i, EventKind v) {
  s.bind_static(i, to_string(v));
}
inline void bind_field(Statement& s, int i, classify::Verdict v) {
  s.bind_static(i, to_string(v));
}
inline void bind_field(Statement& s, int i, const std::string& v) {
  s.bind_static(i, v);
}
inline void bind_field(Statement& s, int i, const OptionalText& v) {
  s.bind_static(i, v);
}

struct EventColumn {
  const char* name;
  const char* sql_type;
  void (*bind)(Statement& s, int index, const ClickEvent& e);
};

#define LINKTRACK_EVENT_COLUMN(member, type, column, sql) \
  EventColumn{column, sql,                                \
              [](Statement& s, int i, const ClickEvent& e) { bind_field(s, i, e.member); }},
inline constexpr std::array kEventColumns{LINKTRACK_EVENT_FIELDS(LINKTRACK_EVENT_COLUMN)};
#undef LINKTRACK_EVENT_COLUMN

// "INSERT OR FAIL INTO events (id, time_ms, …) VALUES (?, ?, …)", from the list, with `rows`
// rows of values: the writer numbers the events itself
// (migrations/0003_event_ids_never_reused.sql). OR FAIL: a statement of many rows that could
// abort half-way would otherwise keep a statement journal (a temporary file) to undo its first
// rows; the writer's batch is one transaction that a failure rolls back whole anyway.
inline std::string event_insert_sql(std::size_t rows = 1) {
  std::string columns = "id", values = "(?";
  for (const auto& c : kEventColumns) {
    columns += ", " + std::string(c.name);
    values += ",?";
  }
  values += ")";
  std::string sql = "INSERT OR FAIL INTO events (" + columns + ") VALUES " + values;
  for (std::size_t r = 1; r < rows; ++r) sql += "," + values;
  return sql;
}

// The parameters of one row of event_insert_sql: the id and the columns.
inline constexpr int kEventInsertParams = static_cast<int>(kEventColumns.size()) + 1;

// The writer's INSERTs, by rows of values a step, largest first: a batch is written in as few
// steps as these make up. Beyond 16 a step gains nothing measurable (tests/bench/micro.sh
// --benchmark_filter=ClickLog); 4 serves the small batches of a quiet server.
inline constexpr std::array<std::size_t, 3> kInsertRows{16, 4, 1};

}  // namespace linktrack::clicklog
