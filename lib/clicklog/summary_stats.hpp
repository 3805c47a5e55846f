// Stats from the summary (migrations/0006_summary.sql, 0007_exact_people.sql) instead of every
// event: the stored hours, plus the events newer than the summary's cursor summed the same
// way, so an answer is never behind the log.
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

// estimate: counts exact; a group's people exact up to 10,000 and estimated (±1.6%) beyond
// (clicklog/people_sketch.hpp), so a month by campaign stays fast; the range rounded out to
// whole hours (`since` down, `until` up); an hour changed since it was summarized (re-scoring,
// forget) counts as it was until the summarizer recomputes it.
// exact: what reading every event answers (scan_stats), to the last person, or none. The
// whole hours of the range come from the summary; the part hours at its ends and the hours
// awaiting recompute are read from the log.
enum class Precision { estimate, exact };

// None when the summary cannot answer the query as asked (query_stats can): a campaign filter
// with by=campaign/domain/reason/user_agent, a host filter with a campaign filter or with by
// other than hour, day, verdict or domain. Grouped by verdict, reason or user_agent, unique
// counts are 0 and by=user_agent counts machines' events only.
// Exact, also none grouped by anything but day, hour, campaign, domain or (within one
// campaign) link, or with the summary too far behind the log (over a million events, or 48
// hours to recompute in the range) to be the quicker way: query_stats then reads every event.
std::optional<SummaryStats> query_summary(Database& db, const StatsQuery& q,
                                          Precision precision = Precision::estimate);

// Each host's last click or app resolution (any verdict), Unix milliseconds.
std::map<std::string, std::int64_t> last_clicks(Database& db);

}  // namespace linktrack::clicklog
