#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <thread>

#include "admin.hpp"
#include "clicklog/database.hpp"
#include "commands.hpp"
#include "config/load.hpp"
#include "config/reload.hpp"
#include "config_option.hpp"
#include "listener.hpp"

namespace linktrack::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using server::Runtime;
using server::State;

std::shared_ptr<const State> build_state(std::shared_ptr<const config::Config> config) {
  auto state = std::make_shared<State>();
  state->snapshot = http::Snapshot::build(config);
  bool any_tls = std::any_of(config->domains.begin(), config->domains.end(),
                             [](const auto& d) { return d.tls.has_value(); });
  if (any_tls || config->default_certificate)
    state->tls = std::make_shared<server::TlsRegistry>(*config);
  return state;
}

void log_summary(const config::Config& c, unsigned threads) {
  spdlog::info("linktrack {} serving {} domain(s) on {} thread(s)", LINKTRACK_VERSION,
               c.domains.size(), threads);
  for (const auto& d : c.domains)
    spdlog::info("  {}{}{}", d.host, d.tls ? " (https)" : " (http)",
                 d.aliases.empty() ? "" : fmt::format(" aliases {}", fmt::join(d.aliases, ", ")));
  for (const auto& a : c.listen.https_addresses) spdlog::info("  https on {}", a.to_string());
  for (const auto& a : c.listen.http_addresses) spdlog::info("  http on {}", a.to_string());
  if (c.listen.admin_address)
    spdlog::info("  admin (metrics) on {}", c.listen.admin_address->to_string());
  spdlog::info("  click log {} ({} mode)", c.store.path,
               c.store.durability == config::Durability::sync ? "sync" : "batch");
}

void reload(const std::string& path, Runtime& rt) {
  auto result = config::load_config(path);
  if (!result.config) {
    rt.metrics().reload_failures.fetch_add(1);
    spdlog::error("reload refused: {} has {} error(s); still serving the previous config", path,
                  result.errors.size());
    for (const auto& e : result.errors) spdlog::error("  {}", e);
    return;
  }
  try {
    for (const auto& w : result.warnings) spdlog::warn("{}", w);
    auto next_config = std::make_shared<config::Config>(*result.config);
    const auto held = config::keep_restart_settings(*rt.state()->snapshot->config, *next_config);
    for (const auto& key : held)
      spdlog::warn("reload: {} changed; it needs a restart and keeps its running value until then",
                   key);
    auto next = build_state(next_config);
    rt.replace(std::move(next));
    spdlog::set_level(spdlog::level::from_str(next_config->log.level));
    rt.metrics().reloads.fetch_add(1);
    spdlog::info("reloaded {}: {} domain(s)", path, next_config->domains.size());
  } catch (const std::exception& e) {
    rt.metrics().reload_failures.fetch_add(1);
    spdlog::error("reload refused: {}; still serving the previous config", e.what());
  }
}

int serve(const std::string& path) {
  auto config = load_or_report(path);
  if (!config) return 1;
  spdlog::set_level(spdlog::level::from_str(config->log.level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

  clicklog::WriterStats writer_stats;
  std::unique_ptr<clicklog::SqliteWriter> writer;
  std::shared_ptr<const State> state;
  try {
    writer = std::make_unique<clicklog::SqliteWriter>(config->store, config->privacy, writer_stats);
    state = build_state(config);
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  Runtime rt(state, *writer, writer_stats);
  const auto room = server::connection_room();
  rt.set_connection_room(room);
  if (config->limits.max_connections > room)
    spdlog::warn(
        "limits.max_connections is {} but the descriptor limit leaves room for {} connections: "
        "{} applies (raise LimitNOFILE to allow more)",
        config->limits.max_connections, room, room);

  const unsigned threads = config->threads > 0 ? static_cast<unsigned>(config->threads)
                                               : std::max(1u, std::thread::hardware_concurrency());
  // One io_context per thread, each with its own acceptors (SO_REUSEPORT): no cross-thread
  // hand-off on the request path.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::shared_ptr<server::Listener>> listeners;
  try {
    for (const auto& a : config->listen.https_addresses) server::ensure_unclaimed(a);
    for (const auto& a : config->listen.http_addresses) server::ensure_unclaimed(a);
    if (config->listen.admin_address) server::ensure_unclaimed(*config->listen.admin_address);
    for (unsigned t = 0; t < threads; ++t) {
      auto& io = *contexts.emplace_back(std::make_unique<asio::io_context>(1));
      for (const auto& a : config->listen.https_addresses)
        listeners.push_back(std::make_shared<server::Listener>(io, a, server::ListenerKind::https,
                                                               rt, server::AdminHandler{}));
      for (const auto& a : config->listen.http_addresses)
        listeners.push_back(std::make_shared<server::Listener>(io, a, server::ListenerKind::http,
                                                               rt, server::AdminHandler{}));
      if (t == 0 && config->listen.admin_address)
        listeners.push_back(std::make_shared<server::Listener>(io, *config->listen.admin_address,
                                                               server::ListenerKind::admin, rt,
                                                               server::admin_handler(rt)));
    }
  } catch (const boost::system::system_error& e) {
    spdlog::critical("cannot listen: {}", e.what());
    return 1;
  }
  for (auto& l : listeners) l->run();
  log_summary(*config, threads);

  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> workers;
  for (auto& io : contexts) {
    guards.push_back(asio::make_work_guard(*io));
    workers.emplace_back([&io, &rt] {
      // Handlers catch their own exceptions; should one still escape, it is logged and the
      // thread serves on rather than ending the process with every queued click.
      for (;;) {
        try {
          io->run();
          return;
        } catch (const std::exception& e) {
          rt.metrics().request_exceptions.fetch_add(1);
          spdlog::error("I/O thread: unhandled exception, continuing: {}", e.what());
        }
      }
    });
  }

  asio::io_context control;
  asio::signal_set signals(control, SIGHUP, SIGTERM, SIGINT);
  std::function<void(beast::error_code, int)> on_signal = [&](beast::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      reload(path, rt);
      signals.async_wait(on_signal);
      return;
    }
    spdlog::info("stopping: no new connections; finishing requests in flight");
    for (std::size_t i = 0; i < listeners.size(); ++i) {
      auto l = listeners[i];
      asio::post(l->executor_context(), [l] { l->stop(); });
    }
    control.stop();
  };
  signals.async_wait(on_signal);
  control.run();

  // Requests in flight finish; idle keep-alive connections get a short grace, then go.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (rt.metrics().connections_open.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  guards.clear();
  for (auto& io : contexts) io->stop();
  for (auto& w : workers) w.join();
  writer->stop();
  spdlog::info("stopped: {} event(s) written, {} dropped", writer_stats.written.load(),
               writer_stats.dropped.load());
  return 0;
}

}  // namespace

void add_serve(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("serve", "Run the redirect server");
  add_config_option(*cmd, *path);
  cmd->callback([path, &exit_code] { exit_code = serve(*path); });
}

}  // namespace linktrack::cli
