// The columns of the `events` table, derived from LINKTRACK_EVENT_FIELDS (event.hpp): the
// writer's INSERT and binds, and the columns `migrate` adds for fields newer than the table.
#pragma once

#include <array>
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

// "INSERT INTO events (id, time_ms, …) VALUES (?, ?, …)", from the list: the writer numbers
// the events itself (migrations/0003_event_ids_never_reused.sql).
inline const std::string& event_insert_sql() {
  static const std::string sql = [] {
    std::string columns = "id", values = "?";
    for (const auto& c : kEventColumns) {
      columns += ", " + std::string(c.name);
      values += ",?";
    }
    return "INSERT INTO events (" + columns + ") VALUES (" + values + ")";
  }();
  return sql;
}

}  // namespace linktrack::clicklog
