#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "clicklog/event_text.hpp"
#include "commands.hpp"
#include "config_option.hpp"
#include "time_range.hpp"
#include "util/clock.hpp"
#include "webhook/outbox.hpp"

namespace linktrack::cli {
namespace {

struct StatusArgs {
  std::string config_path, format = "table";
};

int status(const StatusArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  try {
    clicklog::Database db(config->store.path, clicklog::Database::Mode::read_only);
    const auto now = util::unix_now_ms();
    std::map<std::string, webhook::EndpointStatus> known;
    for (auto& s : webhook::endpoint_status(db)) known[s.endpoint] = std::move(s);
    nlohmann::json out = nlohmann::json::array();
    std::vector<std::vector<std::string>> rows = {{"ENDPOINT", "STATE", "LAG", "NOT YET BATCHED",
                                                   "PENDING", "DELIVERED", "FAILURES",
                                                   "DEAD LETTERS", "LAST ERROR"}};
    for (const auto& hook : config->webhooks) {
      auto it = known.find(hook.id);
      if (it == known.end()) {
        out.push_back({{"endpoint", hook.id}, {"url", hook.url}, {"state", "not started"}});
        rows.push_back({hook.id, "not started", "-", "-", "-", "-", "-", "-", ""});
        continue;
      }
      const auto& s = it->second;
      const std::string state = s.disabled_ms            ? "disabled (410)"
                                : s.retrying_batches > 0 ? "retrying"
                                : s.dead_batches > 0     ? "dead letters"
                                                         : "ok";
      const std::int64_t lag_ms = s.oldest_unacknowledged_ms
                                      ? std::max<std::int64_t>(0, now - s.oldest_unacknowledged_ms)
                                      : 0;
      nlohmann::json dead = nlohmann::json::array();
      for (const auto& d : webhook::dead_letters(db, hook.id))
        dead.push_back({{"seq", d.seq},
                        {"first_id", d.first_id},
                        {"last_id", d.last_id},
                        {"events", d.events},
                        {"attempts", d.attempts},
                        {"created", clicklog::rfc3339_ms(d.created_ms)},
                        {"dead_since", clicklog::rfc3339_ms(d.dead_ms)},
                        {"last_error", d.last_error ? nlohmann::json(*d.last_error) : nullptr}});
      out.push_back({{"endpoint", hook.id},
                     {"url", hook.url},
                     {"state", state},
                     {"lag_seconds", lag_ms / 1000.0},
                     {"cursor", s.after_id},
                     {"ids_not_yet_batched", s.ids_behind},
                     {"pending_batches", s.pending_batches},
                     {"pending_events", s.pending_events},
                     {"retrying_batches", s.retrying_batches},
                     {"delivered_events", s.delivered_events},
                     {"delivered_batches", s.delivered_batches},
                     {"failures", s.failures},
                     {"last_error", s.last_error ? nlohmann::json(*s.last_error) : nullptr},
                     {"last_error_at", optional_time(s.last_error_ms)},
                     {"last_delivery_at", optional_time(s.last_delivery_ms)},
                     {"disabled_at", optional_time(s.disabled_ms)},
                     {"dead_letter_events", s.dead_events},
                     {"dead_letters", dead}});
      std::string error = s.last_error.value_or("");
      if (error.size() > 60) error = error.substr(0, 57) + "...";
      rows.push_back({hook.id, state, lag_ms ? age_text(lag_ms) : "0s",
                      std::to_string(s.ids_behind),
                      fmt::format("{} ({} events)", s.pending_batches, s.pending_events),
                      std::to_string(s.delivered_events), std::to_string(s.failures),
                      fmt::format("{} ({} events)", s.dead_batches, s.dead_events), error});
    }
    if (a.format == "json") {
      std::cout << out.dump(2) << "\n";
      return 0;
    }
    if (config->webhooks.empty()) {
      std::cout << "no webhooks configured\n";
      return 0;
    }
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& r : rows)
      for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
    for (const auto& r : rows) {
      std::string line;
      for (std::size_t c = 0; c < r.size(); ++c)
        line += c + 1 < r.size() ? fmt::format("{:<{}}  ", r[c], width[c]) : r[c];
      while (!line.empty() && line.back() == ' ') line.pop_back();
      std::cout << line << "\n";
    }
    return 0;
  } catch (const clicklog::DatabaseError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

struct ReplayArgs {
  std::string config_path, endpoint, since;
};

int replay(const ReplayArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  if (std::none_of(config->webhooks.begin(), config->webhooks.end(),
                   [&](const auto& h) { return h.id == a.endpoint; })) {
    std::cerr << "error: no webhook '" << a.endpoint << "' in " << a.config_path << "\n";
    return 1;
  }
  std::optional<std::int64_t> since;
  if (!a.since.empty() && !(since = time_option("--since", a.since))) return 1;
  try {
    clicklog::Database db(config->store.path, clicklog::Database::Mode::read_write,
                          static_cast<int>(config->store.busy_timeout_ms));
    const auto revived = webhook::replay(db, a.endpoint, since, util::unix_now_ms());
    std::cout << fmt::format("{}: {} dead letter(s) queued again", a.endpoint, revived);
    if (since) std::cout << fmt::format("; every event since {} sent again", a.since);
    std::cout << " (a running server picks them up within a second)\n";
    return 0;
  } catch (const clicklog::DatabaseError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_webhooks(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("webhooks", "Webhook delivery: status and replays");
  cmd->require_subcommand(1);

  auto s = std::make_shared<StatusArgs>();
  auto* status_cmd = cmd->add_subcommand(
      "status", "Each endpoint's lag, backlog, deliveries, failures, last error and dead letters");
  add_config_option(*status_cmd, s->config_path);
  status_cmd->add_option("--format", s->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  status_cmd->callback([s, &exit_code] { exit_code = status(*s); });

  auto r = std::make_shared<ReplayArgs>();
  auto* replay_cmd = cmd->add_subcommand(
      "replay",
      "Send an endpoint's dead letters again; with --since, also every event from then on");
  add_config_option(*replay_cmd, r->config_path);
  replay_cmd->add_option("--endpoint", r->endpoint, "The webhook's id")->required();
  replay_cmd->add_option("--since", r->since,
                         "Also re-send every event from DURATION ago (7d) or a UTC time");
  replay_cmd->callback([r, &exit_code] { exit_code = replay(*r); });
}

}  // namespace linktrack::cli
