// Stats from the summary (migrations/0006_summary.sql) instead of every event: the stored
// hours, plus the events newer than the summary's cursor summed the same way, so an answer is
// never behind the log. Counts are exact; people are counted exactly while the sketches hold
// their hashes and estimated (±1.6%) beyond (clicklog/people_sketch.hpp). Ranges are whole
// hours: `since` rounds down to its hour, `until` up.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clicklog/database.hpp"
#include "clicklog/stats.hpp"

namespace linktrack::clicklog {

struct SummaryStats {
  std::vector<StatsRow> rows;
  bool exact = true;  // every unique count is exact
};

// None when the summary cannot answer the query as asked: a host filter, or a campaign filter
// with by=campaign/domain/reason/user_agent (query_stats can). Grouped by verdict, reason,
// domain or user_agent, unique counts are 0 and by=user_agent counts machines' events only.
std::optional<SummaryStats> query_summary(Database& db, const StatsQuery& q);

// Each host's last click or app resolution (any verdict), Unix milliseconds.
std::map<std::string, std::int64_t> last_clicks(Database& db);

}  // namespace linktrack::clicklog
