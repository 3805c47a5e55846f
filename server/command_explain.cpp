#include <fmt/format.h>

#include <iostream>

#include "classify/classifier.hpp"
#include "classify/evidence.hpp"
#include "classify/message_window.hpp"
#include "clicklog/database.hpp"
#include "clicklog/export.hpp"
#include "commands.hpp"
#include "config_option.hpp"

namespace linktrack::cli {
namespace {

struct ExplainArgs {
  std::string config_path;
  std::int64_t id = 0;
};

constexpr const char* kColumns =
    "id, time_ms, kind, message, coalesce(link, destination, ''), client_ip, user_agent, referer, "
    "coalesce(sent_at, 0), coalesce(evidence, 0), coalesce(verdict, ''), coalesce(reasons, '')";

classify::WindowEvent window_event(const clicklog::Statement& s) {
  classify::WindowEvent w;
  w.id = s.int64(0);
  w.time_ms = s.int64(1);
  w.message = s.text(3);
  if (auto ip = net::IpAddress::parse(s.text(5)))
    w.network = net::truncate(*ip, 24, 48).to_string();
  w.link = s.text(4);
  w.honeypot = (s.int64(9) & classify::evidence::honeypot) != 0;
  return w;
}

int explain(const ExplainArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  try {
    clicklog::Database db(config->store.path, clicklog::Database::Mode::read_only);
    clicklog::Statement row(db, std::string("SELECT ") + kColumns + " FROM events WHERE id = ?");
    row.bind(1, a.id);
    if (!row.step()) {
      std::cerr << "error: no event " << a.id << " in " << config->store.path << "\n";
      return 1;
    }
    const classify::Classifier classifier(config->bot_rules);
    const auto& signals = config->bot_rules.signals;
    // The message's other events within reach of this one, as the re-scorer saw them.
    classify::MessageWindow window(signals);
    if (!row.is_null(3)) {
      const std::int64_t reach = std::max(signals.burst_window_s, signals.honeypot_window_s) * 1000;
      clicklog::Statement around(db, std::string("SELECT ") + kColumns +
                                         " FROM events WHERE time_ms BETWEEN ? AND ? AND "
                                         "message = ? ORDER BY id");
      around.bind(1, row.int64(1) - reach);
      around.bind(2, row.int64(1) + reach);
      around.bind(3, row.text(3));
      while (around.step()) window.add(window_event(around));
    }
    classify::Observation o;
    const std::string kind = row.text(2), ua = row.text(6), referer = row.text(7);
    const std::string reasons = row.text(11);
    o.open = kind == "open";
    o.navigation = kind == "click";
    o.user_agent = ua;
    o.referer = referer;
    if (!row.is_null(5)) o.ip = net::IpAddress::parse(row.text(5));
    o.earlier_reasons = reasons;
    o.evidence = static_cast<std::uint32_t>(row.int64(9));
    o.time_ms = row.int64(1);
    o.sent_at = row.int64(8);
    const auto m = window.evidence(a.id);
    std::vector<classify::Signal> found;
    const auto verdict = classifier.assess(o, m, &found);

    std::cout << fmt::format("event {}: {} at {}\n", a.id, kind, clicklog::rfc3339_ms(o.time_ms));
    std::cout << fmt::format("  stored verdict: {} ({})\n",
                             row.text(10).empty() ? "none yet" : row.text(10),
                             reasons.empty() ? "no reasons" : reasons);
    std::cout << fmt::format(
        "  with the rules of {} now: {}, score {} (suspect from {}, bot from {})\n",
        config->bot_rules.source, to_string(verdict.verdict), verdict.score,
        config->bot_rules.thresholds.suspect, config->bot_rules.thresholds.bot);
    for (const auto& s : found) std::cout << fmt::format("    +{:<3} {}\n", s.points, s.reason);
    if (found.empty()) std::cout << "    no signal of a machine\n";
    std::cout << fmt::format("  request: user agent {}, {}; evidence bits {:#x}\n",
                             ua.empty() ? "(none)" : "\"" + ua + "\"",
                             row.is_null(5) ? "address not kept" : "from " + row.text(5),
                             o.evidence);
    if (o.sent_at > 0)
      std::cout << fmt::format("  sent {} ({} s before)\n", clicklog::rfc3339_ms(o.sent_at * 1000),
                               o.time_ms / 1000 - o.sent_at);
    std::cout << fmt::format(
        "  message: {} distinct link(s) clicked around it from its network{}\n", m.burst_links,
        m.honeypot_near ? "; a honeypot click nearby" : "");
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
