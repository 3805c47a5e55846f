// The ClickHouse schema, versioned like the click log's SQLite migrations: each version's
// statements run once, in order, and are recorded in `schema_migrations`. Every statement is
// idempotent (IF NOT EXISTS), so nodes migrating at the same time do no harm.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/clickhouse_client.hpp"

namespace linktrack::analytics {

struct SchemaVersion {
  std::int64_t version;
  const char* name;
  // Statements with {db} for the database.
  std::vector<const char*> statements;
};
const std::vector<SchemaVersion>& schema_versions();

struct MigrateResult {
  std::int64_t from = 0, to = 0;
  std::vector<std::string> applied;  // "2: name"
};
// Makes the database and brings its tables to the newest version.
MigrateResult migrate(ClickHouseClient& ch);
// The version the database is at (0: none), without changing it.
std::int64_t schema_version(ClickHouseClient& ch);

}  // namespace linktrack::analytics
