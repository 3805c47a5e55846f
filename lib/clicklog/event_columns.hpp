// Every stored field of an event, declared once: its column in the `events` table (the name
// export and JSON use too) and how it is bound. The writer's INSERT and its binds follow from
// this list; a new field is a member in event.hpp, a line here and a migration.
#pragma once

#include <array>
#include <string>

#include "clicklog/database.hpp"
#include "clicklog/event.hpp"

namespace linktrack::clicklog {

struct EventColumn {
  const char* name;
  // Binds the field at `index` without copying: `e` must outlive the statement's next step().
  void (*bind)(Statement& s, int index, const ClickEvent& e);
};

inline constexpr std::array<EventColumn, 13> kEventColumns = {{
    {"time_ms", [](Statement& s, int i, const ClickEvent& e) { s.bind(i, e.time_ms); }},
    {"kind", [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, to_string(e.kind)); }},
    {"host", [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, e.host); }},
    {"campaign", [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, e.campaign); }},
    {"template", [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, e.template_id); }},
    {"message", [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, e.message); }},
    {"recipient", [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, e.recipient); }},
    {"link", [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, e.link); }},
    {"destination",  // empty for opens: stored as NULL
     [](Statement& s, int i, const ClickEvent& e) {
       if (e.destination.empty())
         s.bind_null(i);
       else
         s.bind_static(i, e.destination);
     }},
    {"client_ip", [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, e.client_ip); }},
    {"user_agent",
     [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, e.user_agent); }},
    {"referer", [](Statement& s, int i, const ClickEvent& e) { s.bind_static(i, e.referer); }},
    {"key_id", [](Statement& s, int i,
                  const ClickEvent& e) { s.bind(i, static_cast<std::int64_t>(e.key_id)); }},
}};

// "INSERT INTO events (time_ms, …) VALUES (?, …)", from the list.
inline const std::string& event_insert_sql() {
  static const std::string sql = [] {
    std::string columns, values;
    for (const auto& c : kEventColumns) {
      columns += (columns.empty() ? "" : ", ") + std::string(c.name);
      values += values.empty() ? "?" : ",?";
    }
    return "INSERT INTO events (" + columns + ") VALUES (" + values + ")";
  }();
  return sql;
}

}  // namespace linktrack::clicklog
