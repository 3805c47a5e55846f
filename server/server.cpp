#include "server.hpp"

#include <pthread.h>

#include <csignal>

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "admin.hpp"
#include "config/load.hpp"
#include "config/reload.hpp"
#include "net/certificate_info.hpp"
#include "util/thread_name.hpp"

namespace linktrack::server {
namespace {

namespace asio = boost::asio;

std::shared_ptr<const State> build_state(std::shared_ptr<const config::Config> config,
                                         Runtime& rt) {
  auto state = std::make_shared<State>();
  state->snapshot = http::Snapshot::build(config);
  bool any_tls = std::any_of(config->domains.begin(), config->domains.end(),
                             [](const auto& d) { return d.has_tls(); });
  if (any_tls || config->default_certificate || (config->acme && config->acme->on_demand))
    state->tls =
        std::make_shared<TlsRegistry>(config, config->acme ? &rt.acme_certificates() : nullptr);
  for (const auto& d : config->domains) {
    state->domain_slots.push_back(rt.metrics().domain_slot(d.host));
    if (!d.tls) continue;
    if (auto info = net::read_certificate_info(d.tls->cert))
      state->certificates.push_back({d.host, info->not_after_ms / 1000});
  }
  return state;
}

void log_summary(const config::Config& c, unsigned threads) {
  spdlog::info("linktrack {} serving {} domain(s) on {} thread(s)", LINKTRACK_VERSION,
               c.domains.size(), threads);
  for (const auto& d : c.domains)
    spdlog::info("  {}{}{}", d.host,
                 d.tls_auto ? " (https, certificate from ACME)"
                 : d.tls    ? " (https)"
                            : " (http)",
                 d.aliases.empty() ? "" : fmt::format(" aliases {}", fmt::join(d.aliases, ", ")));
  for (const auto& a : c.listen.https_addresses) spdlog::info("  https on {}", a.to_string());
  for (const auto& a : c.listen.http_addresses) spdlog::info("  http on {}", a.to_string());
  for (const auto& w : c.webhooks) spdlog::info("  webhook {} to {}", w.id, w.url);
  if (c.listen.admin_address)
    spdlog::info("  admin (metrics, API with {} key(s)) on {}{}", c.api.keys.size(),
                 c.listen.admin_tls ? "https://" : "http://", c.listen.admin_address->to_string());
  if (c.acme)
    spdlog::info("  ACME from {}{}, storage {}", c.acme->directory,
                 c.acme->on_demand ? " (on demand too)" : "", c.acme->storage);
  spdlog::info("  click log {} ({} mode)", c.store.path,
               c.store.durability == config::Durability::sync ? "sync" : "batch");
}

}  // namespace

Server::~Server() {
  stop(std::chrono::milliseconds(0));
}

bool Server::start() {
  // Reported as check-config reports them: every line on stderr.
  auto result = config::load_config(config_path_);
  for (const auto& w : result.warnings) std::cerr << w << "\n";
  for (const auto& e : result.errors) std::cerr << e << "\n";
  if (!result.config) return false;
  const auto& config = result.config;
  spdlog::set_level(spdlog::level::from_str(config->log.level));
  try {
    click_log_ = std::make_unique<ClickLogService>(*config);
    services_ = {click_log_.get()};
    for (auto* s : services_) s->start();
    runtime_ = std::make_unique<Runtime>(click_log_->sink(), click_log_->stats());
    runtime_->replace(build_state(config, *runtime_));
    rescorer_ = std::make_unique<RescorerService>(*config, runtime_->metrics());
    services_.push_back(rescorer_.get());
    rescorer_->start();
    summary_ = std::make_unique<SummaryService>(*config);
    services_.push_back(summary_.get());
    summary_->start();
    api_ = std::make_unique<ApiService>(config);
    services_.push_back(api_.get());
    api_->start();
    webhooks_ = std::make_unique<WebhookService>(config);
    services_.push_back(webhooks_.get());
    webhooks_->start();
    analytics_ = std::make_unique<AnalyticsService>(*config);
    services_.push_back(analytics_.get());
    analytics_->start();
    acme_ = std::make_unique<AcmeService>(config, runtime_->acme_certificates());
    services_.push_back(acme_.get());
    acme_->start();
    if (acme_->on_demand())
      runtime_->set_on_demand(
          [acme = acme_.get()](const std::string& host, std::function<void()> done) {
            acme->obtain(host, std::move(done));
          },
          config->acme->on_demand->wait_ms);
    if (config->listen.admin_tls) admin_tls_ = TlsRegistry::load(*config->listen.admin_tls);
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    for (auto* s : services_) s->stop();
    return false;
  }
  const auto room = connection_room();
  runtime_->set_connection_room(room);
  if (config->limits.max_connections > room)
    spdlog::warn(
        "limits.max_connections is {} but the descriptor limit leaves room for {} connections: "
        "{} applies (raise LimitNOFILE to allow more)",
        config->limits.max_connections, room, room);
  const unsigned threads = config->threads > 0 ? static_cast<unsigned>(config->threads)
                                               : std::max(1u, std::thread::hardware_concurrency());
  try {
    listen(*config, threads);
  } catch (const boost::system::system_error& e) {
    spdlog::critical("cannot listen: {}", e.what());
    listeners_.clear();
    contexts_.clear();
    for (auto* s : services_) s->stop();
    return false;
  }
  for (auto& l : listeners_) l->run();
  log_summary(*config, threads);
  for (auto& io : contexts_) {
    workers_.emplace_back([&io = *io, &rt = *runtime_, n = workers_.size()] {
      util::name_this_thread("lt-io-" + std::to_string(n));
      auto guard = asio::make_work_guard(io);
      // Handlers catch their own exceptions; should one still escape, it is logged and the
      // thread serves on rather than ending the process with every queued click.
      for (;;) {
        try {
          io.run();
          return;
        } catch (const std::exception& e) {
          rt.metrics().request_exceptions.fetch_add(1);
          spdlog::error("I/O thread: unhandled exception, continuing: {}", e.what());
        }
      }
    });
  }
  running_ = true;
  return true;
}

// One io_context per thread, each with its own acceptors (SO_REUSEPORT): no cross-thread
// hand-off on the request path.
void Server::listen(const config::Config& c, unsigned threads) {
  for (const auto& a : c.listen.https_addresses) ensure_unclaimed(a);
  for (const auto& a : c.listen.http_addresses) ensure_unclaimed(a);
  if (c.listen.admin_address) ensure_unclaimed(*c.listen.admin_address);
  for (unsigned t = 0; t < threads; ++t) {
    auto& io = *contexts_.emplace_back(std::make_unique<asio::io_context>(1));
    for (const auto& a : c.listen.https_addresses)
      listeners_.push_back(
          std::make_shared<Listener>(io, a, ListenerKind::https, *runtime_, AdminHandler{}));
    for (const auto& a : c.listen.http_addresses)
      listeners_.push_back(
          std::make_shared<Listener>(io, a, ListenerKind::http, *runtime_, AdminHandler{}));
    if (t == 0 && c.listen.admin_address)
      listeners_.push_back(std::make_shared<Listener>(
          io, *c.listen.admin_address, ListenerKind::admin, *runtime_,
          admin_handler(*runtime_, *api_,
                        [this] {
                          return webhooks_->render_metrics() + analytics_->render_metrics() +
                                 summary_->render_metrics() + acme_->render_metrics();
                        }),
          admin_tls_));
  }
}

void Server::reload() {
  auto& rt = *runtime_;
  auto result = config::load_config(config_path_);
  if (!result.config) {
    rt.metrics().reload_failures.fetch_add(1);
    spdlog::error("reload refused: {} has {} error(s); still serving the previous config",
                  config_path_, result.errors.size());
    for (const auto& e : result.errors) spdlog::error("  {}", e);
    return;
  }
  try {
    for (const auto& w : result.warnings) spdlog::warn("{}", w);
    auto next = std::make_shared<config::Config>(*result.config);
    for (const auto& key : config::keep_restart_settings(*rt.state()->snapshot->config, *next))
      spdlog::warn("reload: {} changed; it needs a restart and keeps its running value until then",
                   key);
    // The new log level first: requests served by the new state log at its level.
    spdlog::set_level(spdlog::level::from_str(next->log.level));
    rt.replace(build_state(next, rt));
    for (auto* s : services_) s->apply(next);
    rt.metrics().reloads.fetch_add(1);
    spdlog::info("reloaded {}: {} domain(s)", config_path_, next->domains.size());
  } catch (const std::exception& e) {
    rt.metrics().reload_failures.fetch_add(1);
    spdlog::error("reload refused: {}; still serving the previous config", e.what());
  }
}

void Server::stop(std::chrono::milliseconds grace) {
  if (!running_) return;
  running_ = false;
  spdlog::info("stopping: no new connections; finishing requests in flight");
  for (auto& l : listeners_) asio::post(l->executor_context(), [l] { l->stop(); });
  // Requests in flight finish; idle keep-alive connections get the grace, then go.
  runtime_->wait_idle(std::chrono::steady_clock::now() + grace);
  for (auto& io : contexts_) io->stop();
  for (auto& w : workers_) w.join();
  workers_.clear();
  // API requests under way answer onto the I/O contexts: they finish before those go.
  if (api_) api_->stop();
  listeners_.clear();
  contexts_.clear();
  for (auto it = services_.rbegin(); it != services_.rend(); ++it) (*it)->stop();
}

namespace {
sigset_t held_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}
}  // namespace

void hold_signals() {
  const sigset_t set = held_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void release_signals() {
  const sigset_t set = held_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

int Server::run() {
  // Signals are caught before the listeners open: a SIGHUP (a log rotation, a deploy script)
  // arriving while the server starts would otherwise end it with the default action. One that
  // came while they were held (hold_signals) or comes meanwhile waits in the set and is
  // handled once serving.
  asio::io_context control;
  asio::signal_set signals(control, SIGHUP, SIGTERM, SIGINT);
  // TLS connections write through OpenSSL's socket BIO, which uses write(): a client that went
  // away must be an error on that connection (EPIPE), not a signal that ends the process.
  std::signal(SIGPIPE, SIG_IGN);
  release_signals();
  if (!start()) return 1;
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec,
                                                                      int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      reload();
      signals.async_wait(on_signal);
    }
  };
  signals.async_wait(on_signal);
  control.run();  // returns once a SIGTERM or SIGINT leaves no wait pending
  stop();
  return 0;
}

}  // namespace linktrack::server
