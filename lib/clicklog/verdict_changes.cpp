#include "clicklog/verdict_changes.hpp"

namespace linktrack::clicklog {

std::vector<VerdictChangeCount> count_verdict_changes(Database& db, std::int64_t since_ms,
                                                      std::int64_t until_ms) {
  Statement s(db,
              "SELECT IFNULL(previous, 'human'), verdict, count(*) FROM verdict_changes "
              "WHERE time_ms >= ? AND time_ms < ? GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2");
  s.bind(1, since_ms);
  s.bind(2, until_ms);
  std::vector<VerdictChangeCount> out;
  while (s.step())
    out.push_back({std::string(s.text_view(0)), std::string(s.text_view(1)), s.int64(2)});
  return out;
}

std::int64_t newest_event_id(Database& db) {
  Statement s(db, "SELECT IFNULL(max(id), 0) FROM events");
  return s.step() ? s.int64(0) : 0;
}

}  // namespace linktrack::clicklog
