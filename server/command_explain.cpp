#include <fmt/format.h>

#include <iostream>

#include "classify/classifier.hpp"
#include "clicklog/export.hpp"
#include "clicklog/node_id.hpp"
#include "clicklog/rescorer.hpp"
#include "commands.hpp"
#include "config_option.hpp"

namespace linktrack::cli {
namespace {

struct ExplainArgs {
  std::string config_path;
  std::string id;  // NODE:LOCAL, or LOCAL
};

int explain(const ExplainArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  try {
    clicklog::Database db(config->store.path, clicklog::Database::Mode::read_only);
    const classify::Classifier classifier(config->bot_rules);
    const auto node = clicklog::node_id(db, config->node_id);
    const auto local = clicklog::local_event_id(a.id, node);
    if (!local) {
      std::cerr << "error: '" << a.id << "' is not an event id of this log (" << node
                << ":NUMBER, or the number)\n";
      return 1;
    }
    const auto x = clicklog::explain_event(db, classifier, *local);
    if (!x) {
      std::cerr << "error: no event " << a.id << " in " << config->store.path << "\n";
      return 1;
    }
    const auto& e = x->event;
    const auto& rules = config->bot_rules;
    std::cout << fmt::format("event {}: {} at {}\n", a.id, e.kind, clicklog::rfc3339_ms(e.time_ms));
    std::cout << fmt::format("  stored verdict: {} ({})\n",
                             e.verdict.empty() ? "none yet" : e.verdict,
                             e.reasons.empty() ? "no reasons" : e.reasons);
    std::cout << fmt::format(
        "  with the rules of {} now: {}, score {} (suspect from {}, bot from {})\n", rules.source,
        to_string(x->now.verdict), x->now.score, rules.thresholds.suspect, rules.thresholds.bot);
    for (const auto& s : x->signals)
      std::cout << fmt::format("    +{:<3} {}\n", s.points, s.reason);
    if (x->signals.empty()) std::cout << "    no signal of a machine\n";
    std::cout << fmt::format("  request: user agent {}, {}; evidence bits {:#x}\n",
                             e.user_agent ? "\"" + *e.user_agent + "\"" : "(none)",
                             e.client_ip ? "from " + *e.client_ip : "address not kept", e.evidence);
    if (e.sent_at > 0)
      std::cout << fmt::format("  sent {} ({} s before)\n", clicklog::rfc3339_ms(e.sent_at * 1000),
                               e.time_ms / 1000 - e.sent_at);
    std::cout << fmt::format(
        "  message: {} distinct link(s) clicked around it from its network{}\n",
        x->message.burst_links, x->message.honeypot_near ? "; a honeypot click nearby" : "");
    return 0;
  } catch (const clicklog::DatabaseError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_explain(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ExplainArgs>();
  auto* cmd =
      app.add_subcommand("explain", "Why a stored event got its verdict (see `export` for ids)");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("EVENT_ID", a->id, "The event's id")->required();
  cmd->callback([a, &exit_code] { exit_code = explain(*a); });
}

}  // namespace linktrack::cli
