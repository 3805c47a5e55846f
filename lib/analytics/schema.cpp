#include "analytics/schema.hpp"

#include <algorithm>

namespace linktrack::analytics {

namespace {

std::string with_database(std::string sql, const std::string& db) {
  for (std::size_t at; (at = sql.find("{db}")) != std::string::npos;) sql.replace(at, 4, db);
  return sql;
}

}  // namespace

// Kept to SQL that ClickHouse 18.16 (Debian 12) and current releases both accept:
// - `time` is DateTime('UTC') and the milliseconds are in `time_ms`: DateTime64 came in 20.1;
// - strings are String / Nullable(String): LowCardinality came in 19.x;
// - reasons are Array(String), empty when there are none: an Array cannot be Nullable;
// - no TTL (19.6): retention drops whole monthly partitions.
const std::vector<SchemaVersion>& schema_versions() {
  static const std::vector<SchemaVersion> versions = {
      {1,
       "events",
       {
           // One row an event, keyed by its id (NODE:LOCAL). A verdict the re-scorer changes is
           // shipped again as the whole row with a higher version; a batch sent twice has the
           // same versions: either way merging keeps one row an id, and readers use FINAL.
           "CREATE TABLE IF NOT EXISTS {db}.events ("
           "id String, time DateTime('UTC'), time_ms Int64, kind String, host String, "
           "campaign Nullable(String), template Nullable(String), message Nullable(String), "
           "recipient Nullable(String), link Nullable(String), destination Nullable(String), "
           "ip Nullable(String), user_agent Nullable(String), referer Nullable(String), "
           "sent_at Nullable(DateTime('UTC')), verdict Nullable(String), reasons Array(String), "
           "node String, version UInt64"
           ") ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(time) "
           "ORDER BY (ifNull(campaign, ''), time, id)",
           // `forget` on any node, for every other node to apply to its own spool.
           "CREATE TABLE IF NOT EXISTS {db}.forget_requests ("
           "request_id String, time DateTime('UTC'), recipient String, node String"
           ") ENGINE = MergeTree PARTITION BY toYYYYMM(time) ORDER BY (time, request_id)",
       }},
  };
  return versions;
}

std::int64_t schema_version(ClickHouseClient& ch) {
  const auto exists = ch.query("EXISTS TABLE " + ch.database() + ".schema_migrations");
  if (exists.empty() || exists[0] != '1') return 0;
  const auto text = ch.query("SELECT max(version) FROM " + ch.database() + ".schema_migrations");
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    throw ClickHouseError("unexpected answer to the schema version: " + text.substr(0, 100));
  }
}

MigrateResult migrate(ClickHouseClient& ch) {
  const auto& db = ch.database();
  ch.query("CREATE DATABASE IF NOT EXISTS " + db);
  ch.query("CREATE TABLE IF NOT EXISTS " + db +
           ".schema_migrations (version UInt32, name String, applied DateTime('UTC')) ENGINE = "
           "MergeTree ORDER BY version");
  MigrateResult r;
  r.from = r.to = schema_version(ch);
  for (const auto& v : schema_versions()) {
    if (v.version <= r.from) continue;
    for (const auto* statement : v.statements) ch.query(with_database(statement, db));
    ch.query("INSERT INTO " + db + ".schema_migrations (version, name, applied) VALUES (" +
             std::to_string(v.version) + ", " + quote(v.name) + ", now())");
    r.to = v.version;
    r.applied.push_back(std::to_string(v.version) + ": " + v.name);
  }
  return r;
}

}  // namespace linktrack::analytics
