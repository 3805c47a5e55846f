// `linktrack analytics status`: this node's shipping to ClickHouse as its spool records it
// (cursor, what waits, totals, last error) and whether ClickHouse answers now, with its schema
// version. Exit status 1 when ClickHouse does not answer or its schema is behind.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "analytics/schema.hpp"
#include "analytics/shipping_cursor.hpp"
#include "analytics/spool_reader.hpp"
#include "clicklog/event_text.hpp"
#include "clicklog/node_id.hpp"
#include "commands.hpp"
#include "config_option.hpp"
#include "time_range.hpp"
#include "util/clock.hpp"

namespace linktrack::cli {
namespace {

struct StatusArgs {
  std::string config_path, format = "table";
};

int status(const StatusArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  const auto& settings = config->analytics.clickhouse;
  if (!settings) {
    std::cerr << "error: analytics.clickhouse is not configured in " << a.config_path << "\n";
    return 1;
  }
  nlohmann::json out;
  out["url"] = settings->url;
  out["database"] = settings->database;
  const auto now = util::unix_now_ms();
  try {
    clicklog::Database db(config->store.path, clicklog::Database::Mode::read_only);
    out["node_id"] = clicklog::node_id(db, config->node_id);
    const auto cursor = analytics::cursor_status(db, analytics::kClickHouseCursor);
    const auto after = cursor ? cursor->after_id : 0;
    analytics::SpoolReader reader(db, out["node_id"].get<std::string>());
    const auto oldest = reader.first_time_after(after);
    out["started"] = cursor.has_value();
    out["cursor"] = after;
    out["ids_behind"] = reader.last_id() - after;
    out["lag_seconds"] = oldest ? static_cast<double>(now - oldest) / 1000.0 : 0.0;
    out["shipped_rows"] = cursor ? cursor->shipped_rows : 0;
    out["batches"] = cursor ? cursor->batches : 0;
    out["failures"] = cursor ? cursor->failures : 0;
    out["last_error"] =
        cursor && cursor->last_error ? nlohmann::json(*cursor->last_error) : nullptr;
    out["last_error_at"] = optional_time(cursor ? cursor->last_error_ms : std::nullopt);
    out["last_shipped_at"] = optional_time(cursor ? cursor->last_shipped_ms : std::nullopt);
  } catch (const clicklog::DatabaseError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  bool healthy = false;
  try {
    outbound::HttpClient::global_init();
    analytics::ClickHouseClient ch(*settings);
    auto version = ch.query("SELECT version()");
    while (!version.empty() && version.back() == '\n') version.pop_back();
    out["clickhouse_version"] = version;
    const auto schema = analytics::schema_version(ch);
    const auto newest = analytics::schema_versions().back().version;
    out["schema_version"] = schema;
    out["schema_current"] = schema == newest;
    out["reachable"] = true;
    healthy = schema == newest;
  } catch (const analytics::ClickHouseError& e) {
    out["reachable"] = false;
    out["error"] = e.what();
  }
  if (a.format == "json") {
    std::cout << out.dump(2) << "\n";
    return healthy ? 0 : 1;
  }
  std::cout << fmt::format("ClickHouse {} (database {}): ", settings->url, settings->database);
  if (!out["reachable"].get<bool>())
    std::cout << "not answering: " << out["error"].get<std::string>() << "\n";
  else
    std::cout << fmt::format("version {}, schema {}{}\n",
                             out["clickhouse_version"].get<std::string>(),
                             out["schema_version"].get<std::int64_t>(),
                             healthy ? "" : " (behind: run linktrack migrate)");
  std::cout << fmt::format("node {}: ", out["node_id"].get<std::string>());
  if (!out["started"].get<bool>()) {
    std::cout << "not shipped yet (the server ships from its start)\n";
    return healthy ? 0 : 1;
  }
  const double lag = out["lag_seconds"].get<double>();
  std::cout << fmt::format(
      "{} row(s) shipped in {} batch(es), {} log id(s) waiting, lag {}; {} failure(s)\n",
      out["shipped_rows"].get<std::int64_t>(), out["batches"].get<std::int64_t>(),
      out["ids_behind"].get<std::int64_t>(),
      lag > 0 ? age_text(static_cast<std::int64_t>(lag * 1000)) : "0s",
      out["failures"].get<std::int64_t>());
  if (!out["last_error"].is_null())
    std::cout << fmt::format("last error at {}: {}\n", out["last_error_at"].get<std::string>(),
                             out["last_error"].get<std::string>());
  return healthy ? 0 : 1;
}

}  // namespace

void add_analytics(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("analytics", "Shipping to ClickHouse (analytics.clickhouse)");
  cmd->require_subcommand(1);
  auto s = std::make_shared<StatusArgs>();
  auto* status_cmd = cmd->add_subcommand(
      "status",
      "This node's shipping (cursor, what waits, lag, failures, last error) and whether "
      "ClickHouse answers; exit status 1 when it does not or its schema is behind");
  add_config_option(*status_cmd, s->config_path);
  status_cmd->add_option("--format", s->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  status_cmd->callback([s, &exit_code] { exit_code = status(*s); });
}

}  // namespace linktrack::cli
