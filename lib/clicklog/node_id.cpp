#include "clicklog/node_id.hpp"

#include <charconv>

namespace linktrack::clicklog {

std::string node_id(Database& db, const std::optional<std::string>& configured) {
  if (configured) return *configured;
  try {
    Statement s(db, "SELECT value FROM properties WHERE name = 'node_id'");
    if (s.step()) return s.text(0);
  } catch (const DatabaseError&) {
  }
  throw DatabaseError("the click log " + db.path() +
                          " has no node id yet (made by schema version 4): run 'linktrack "
                          "migrate', or start the server once",
                      SQLITE_ERROR);
}

std::optional<std::int64_t> local_event_id(std::string_view id, std::string_view node) {
  if (auto colon = id.rfind(':'); colon != std::string_view::npos) {
    if (id.substr(0, colon) != node) return std::nullopt;
    id.remove_prefix(colon + 1);
  }
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size() || v < 0 || id.empty()) return std::nullopt;
  return v;
}

}  // namespace linktrack::clicklog
