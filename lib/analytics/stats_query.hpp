// `stats` read from ClickHouse: every node's events, counted by the rules of the SQLite
// stats (clicklog/stats.hpp) — people's events (verdict human or not yet judged), unique by
// recipient or else by IP and user agent, the machines' beside them — so that both give the
// same numbers over the same events. Counted inside ClickHouse (uniqExact), over FINAL rows:
// one an event id, with its latest verdict.
#pragma once

#include <vector>

#include "analytics/clickhouse_client.hpp"
#include "clicklog/stats.hpp"

namespace linktrack::analytics {

std::vector<clicklog::StatsRow> query_stats(ClickHouseClient& ch, const clicklog::StatsQuery& q);

}  // namespace linktrack::analytics
