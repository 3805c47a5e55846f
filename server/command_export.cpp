#include <iostream>

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
};

int export_log(const ExportArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  clicklog::ExportQuery q;
  q.campaign = a.campaign;
  if (!a.since.empty() && !(q.since_ms = time_option("--since", a.since))) return 1;
  if (!a.until.empty() && !(q.until_ms = time_option("--until", a.until))) return 1;
  try {
    clicklog::Database db(config->store.path, clicklog::Database::Mode::read_only);
    q.node_id = clicklog::node_id(db, config->node_id);
    std::ios::sync_with_stdio(false);
    clicklog::export_events(
        db, q, a.format == "csv" ? clicklog::ExportFormat::csv : clicklog::ExportFormat::ndjson,
        std::cout);
    return 0;
  } catch (const clicklog::DatabaseError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_export(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand(
      "export", "Every event, in id order: one JSON object a line, or CSV with a header row");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("--since", a->since,
                  "From DURATION ago (7d) or a UTC time (2026-11-01T00:00:00Z)");
  cmd->add_option("--until", a->until, "Up to (not including) DURATION ago or a UTC time");
  cmd->add_option("--campaign", a->campaign, "Only this campaign");
  cmd->add_option("--format", a->format, "ndjson or csv")
      ->check(CLI::IsMember({"ndjson", "csv"}))
      ->capture_default_str();
  cmd->callback([a, &exit_code] { exit_code = export_log(*a); });
}

}  // namespace linktrack::cli
