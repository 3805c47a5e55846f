#include <iostream>

#include "classify/classifier.hpp"
#include "clicklog/rescorer.hpp"
#include "commands.hpp"
#include "config_option.hpp"
#include "time_range.hpp"

namespace linktrack::cli {
namespace {

struct RescoreArgs {
  std::string config_path, since;
};

int rescore(const RescoreArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  std::int64_t since_ms = 0;
  if (!a.since.empty()) {
    auto t = time_option("--since", a.since);
    if (!t) return 1;
    since_ms = *t;
  }
  try {
    clicklog::Database db(config->store.path, clicklog::Database::Mode::read_write,
                          static_cast<int>(config->store.busy_timeout_ms));
    clicklog::Rescorer r(db, std::make_shared<const classify::Classifier>(config->bot_rules),
                         since_ms, clicklog::Rescorer::Scope::all_events);
    while (r.step() > 0) {
    }
    std::cout << "rescored " << r.stats().examined << " event(s) with the rules of "
              << config->bot_rules.source << ": " << r.stats().changed
              << " verdict(s) or reason list(s) changed\n";
    return 0;
  } catch (const clicklog::DatabaseError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_rescore(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<RescoreArgs>();
  auto* cmd = app.add_subcommand(
      "rescore", "Judge stored events again with the current bot rules (safe while serving)");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("--since", a->since, "Only events of the last DURATION (7d) or since a UTC time");
  cmd->callback([a, &exit_code] { exit_code = rescore(*a); });
}

}  // namespace linktrack::cli
