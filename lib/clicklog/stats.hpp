// Click statistics read from the click log with a read-only connection.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clicklog/database.hpp"
#include "clicklog/forget.hpp"
#include "util/named_enum.hpp"

namespace linktrack::clicklog {

#define LINKTRACK_STATS_GROUPS(X) \
  X(none) X(link) X(day) X(hour) X(campaign) X(domain) X(verdict) X(reason) X(user_agent)
LINKTRACK_NAMED_ENUM(GroupBy, LINKTRACK_STATS_GROUPS)
std::optional<GroupBy> group_by_from(std::string_view name);

struct StatsQuery {
  std::optional<std::string> campaign;
  std::optional<std::string> host;
  std::optional<std::int64_t> since_ms;  // events at or after this time
  std::optional<std::int64_t> until_ms;  // … and before this one
  GroupBy by = GroupBy::none;
  bool people = true;  // false: unique counts may be left 0 (the summary then reads no sketch)
};

struct StatsRow {
  std::string group;  // the link, day (YYYY-MM-DD, UTC), hour (YYYY-MM-DDTHH, UTC), campaign…;
                      // "total" without grouping
  std::optional<std::string> destination;  // grouped by link: where its clicks went
  // People's only (verdict human, or not yet judged), unless grouped by verdict or reason.
  std::int64_t clicks = 0;         // redirects and app resolutions
  std::int64_t unique_clicks = 0;  // distinct recipients; distinct IP + user agent without one
  std::int64_t opens = 0;
  std::int64_t unique_opens = 0;
  // Beside them, the machines' (when grouped by verdict or reason, these stay 0).
  std::int64_t suspect_clicks = 0, bot_clicks = 0, suspect_opens = 0, bot_opens = 0;
  std::optional<double> click_to_open;  // unique clicks / unique opens
};

// Exact: from the summary when it can answer (totals, by day, hour, campaign or domain, one
// campaign's or one domain's, by link within one campaign: clicklog/summary_stats.hpp), else
// from every event (scan_stats).
std::vector<StatsRow> query_stats(Database& db, const StatsQuery& q);
std::vector<StatsRow> scan_stats(Database& db, const StatsQuery& q);

// Rows counted elsewhere (ClickHouse) finished as query_stats finishes its own: click-to-open
// rates, and the "total" row when nothing was grouped.
void complete_stats(std::vector<StatsRow>& rows, GroupBy by);

enum class StatsFormat { table, json, csv };
std::string format_stats(const std::vector<StatsRow>& rows, GroupBy by, StatsFormat format);

}  // namespace linktrack::clicklog
