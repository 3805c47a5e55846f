// Retention in ClickHouse: whole monthly partitions are dropped once every event in them is
// older than retention_days (ClickHouse 18.16 has no TTL; a DELETE mutation would rewrite a
// month of data every day). A month's events stay at most a month longer than the spool's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/clickhouse_client.hpp"

namespace linktrack::analytics {

// Of `partitions` (toYYYYMM: "202611"), those whose month ended at or before `cutoff_ms`.
std::vector<std::string> expired_partitions(const std::vector<std::string>& partitions,
                                            std::int64_t cutoff_ms);

// Drops the expired partitions of `table`; returns them.
std::vector<std::string> drop_expired_partitions(ClickHouseClient& ch, const std::string& table,
                                                 std::int64_t cutoff_ms);

}  // namespace linktrack::analytics
