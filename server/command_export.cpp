#include <iostream>

#include "analytics/event_export.hpp"
#include "clicklog/export.hpp"
#include "clicklog/node_id.hpp"
#include "commands.hpp"
#include "config_option.hpp"
#include "time_range.hpp"

namespace linktrack::cli {
namespace {

struct ExportArgs {
  std::string config_path, since, until, format = "ndjson";
  std::optional<std::string> campaign;
  bool local = false;
};

int export_log(const ExportArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  clicklog::ExportQuery q;
  q.campaign = a.campaign;
  if (!a.since.empty() && !(q.since_ms = time_option("--since", a.since))) return 1;
  if (!a.until.empty() && !(q.until_ms = time_option("--until", a.until))) return 1;
  const auto format =
      a.format == "csv" ? clicklog::ExportFormat::csv : clicklog::ExportFormat::ndjson;
  try {
    std::ios::sync_with_stdio(false);
    if (config->analytics.clickhouse && !a.local) {  // every node's events
      outbound::HttpClient::global_init();
      analytics::ClickHouseClient ch(*config->analytics.clickhouse);
      analytics::SharedExportQuery shared;
      shared.since_ms = q.since_ms;
      shared.until_ms = q.until_ms;
      shared.campaign = q.campaign;
      analytics::export_events(ch, shared, format, std::cout);
      return 0;
    }
    clicklog::Database db(config->store.path, clicklog::Database::Mode::read_only);
    q.node_id = clicklog::node_id(db, config->node_id);
    clicklog::export_events(db, q, format, std::cout);
    return 0;
  } catch (const analytics::ClickHouseError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const clicklog::DatabaseError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_export(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand(
      "export",
      "Every event, in id order (with ClickHouse: every node's, in time order): one JSON "
      "object a line, or CSV with a header row");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("--since", a->since,
                  "From DURATION ago (7d) or a UTC time (2026-11-01T00:00:00Z)");
  cmd->add_option("--until", a->until, "Up to (not including) DURATION ago or a UTC time");
  cmd->add_option("--campaign", a->campaign, "Only this campaign");
  cmd->add_option("--format", a->format, "ndjson or csv")
      ->check(CLI::IsMember({"ndjson", "csv"}))
      ->capture_default_str();
  cmd->add_flag("--local", a->local,
                "With analytics.clickhouse: this node's spool only (in id order), not every "
                "node's events (in time order)");
  cmd->callback([a, &exit_code] { exit_code = export_log(*a); });
}

}  // namespace linktrack::cli
