#include <iostream>

#include "analytics/forget_everywhere.hpp"
#include "analytics/stats_query.hpp"
#include "clicklog/node_id.hpp"
#include "clicklog/stats.hpp"
#include "clicklog/summary_stats.hpp"
#include "commands.hpp"
#include "config_option.hpp"
#include "time_range.hpp"

namespace linktrack::cli {
namespace {

struct StatsArgs {
  std::string config_path, since, until, by = "none", format = "table";
  std::optional<std::string> campaign, host;
  bool local = false, estimate = false;
};

int stats(const StatsArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  clicklog::StatsQuery q;
  q.campaign = a.campaign;
  q.host = a.host;
  if (!a.since.empty() && !(q.since_ms = time_option("--since", a.since))) return 1;
  if (!a.until.empty() && !(q.until_ms = time_option("--until", a.until))) return 1;
  q.by = clicklog::group_by_from(a.by).value_or(clicklog::GroupBy::none);
  auto format = a.format == "json"  ? clicklog::StatsFormat::json
                : a.format == "csv" ? clicklog::StatsFormat::csv
                                    : clicklog::StatsFormat::table;
  try {
    if (config->analytics.clickhouse && !a.local) {  // every node's events
      outbound::HttpClient::global_init();
      analytics::ClickHouseClient ch(*config->analytics.clickhouse);
      std::cout << clicklog::format_stats(analytics::query_stats(ch, q), q.by, format);
      return 0;
    }
    // Its own read-only connection: readers never block the server's writer under WAL.
    clicklog::Database db(config->store.path, clicklog::Database::Mode::read_only);
    if (a.estimate)
      if (auto summary = clicklog::query_summary(db, q)) {  // as the API's estimate=1
        std::cout << clicklog::format_stats(summary->rows, q.by, format);
        if (!summary->exact) std::cerr << "note: unique counts are estimated (about 1.6%)\n";
        return 0;
      }
    std::cout << clicklog::format_stats(clicklog::query_stats(db, q), q.by, format);
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

void add_stats(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<StatsArgs>();
  auto* cmd = app.add_subcommand(
      "stats", "People's clicks, unique clicks, opens and click-to-open rate; machines' beside");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("--campaign", a->campaign, "Only this campaign");
  cmd->add_option("--host", a->host, "Only this tracking domain");
  cmd->add_option("--since", a->since, "From DURATION ago (7d, 12h) or a UTC time");
  cmd->add_option("--until", a->until, "Up to (not including) DURATION ago or a UTC time");
  cmd->add_option("--by", a->by,
                  "Group by link, day, hour (UTC), campaign, domain, verdict, reason or user_agent")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(clicklog::kGroupByNames),
                                                     std::end(clicklog::kGroupByNames))));
  cmd->add_option("--format", a->format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  cmd->add_flag("--estimate", a->estimate,
                "From the hourly summary (as the dashboard): fast; whole hours; unique counts "
                "estimated beyond 10,000 people a group");
  cmd->add_flag("--local", a->local,
                "With analytics.clickhouse: this node's spool only, not every node's events");
  cmd->callback([a, &exit_code] { exit_code = stats(*a); });
}

void add_forget(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  auto recipient = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("forget", "Delete every event of one recipient");
  add_config_option(*cmd, *path);
  cmd->add_option("--recipient", *recipient, "Recipient id")->required();
  cmd->callback([path, recipient, &exit_code] {
    auto config = load_or_report(*path);
    if (!config) {
      exit_code = 1;
      return;
    }
    try {
      clicklog::Database db(config->store.path, clicklog::Database::Mode::read_write);
      if (const auto& settings = config->analytics.clickhouse) {
        outbound::HttpClient::global_init();
        analytics::ClickHouseClient ch(*settings);
        const auto r = analytics::forget_everywhere(db, ch, *recipient,
                                                    clicklog::node_id(db, config->node_id));
        std::cout << "deleted " << r.local_events << " event(s) of recipient " << *recipient
                  << " from this node's spool, and in ClickHouse; every node removes them from "
                     "its spool within a minute (request "
                  << r.request_id << ")\n";
      } else {
        std::cout << "deleted " << clicklog::forget_recipient(db, *recipient)
                  << " event(s) of recipient " << *recipient << "\n";
      }
      exit_code = 0;
    } catch (const analytics::ClickHouseError& e) {
      std::cerr << "error: " << e.what()
                << "\n(the events were deleted from this node's spool; run forget again)\n";
      exit_code = 1;
    } catch (const clicklog::DatabaseError& e) {
      std::cerr << "error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}

}  // namespace linktrack::cli
