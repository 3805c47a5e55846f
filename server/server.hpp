// A running linktrack: what it owns, in the order it is made (config, services, runtime,
// listeners, I/O threads) and ended in reverse (listeners stop, connections drain, threads
// join, services drain). `serve` only makes one and runs it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "acme_service.hpp"
#include "analytics_service.hpp"
#include "api_service.hpp"
#include "click_log_service.hpp"
#include "listener.hpp"
#include "rescorer_service.hpp"
#include "runtime.hpp"
#include "summary_service.hpp"
#include "webhook_service.hpp"

namespace linktrack::server {

// `serve` holds SIGHUP, SIGTERM and SIGINT back from its first moment (hold_signals) until
// Server::run catches them (release_signals), so none ends a server that is still starting.
void hold_signals();
void release_signals();

class Server {
 public:
  explicit Server(std::string config_path) : config_path_(std::move(config_path)) {}
  ~Server();
  // Loads the config, opens the click log, binds every listener and starts the I/O threads.
  // False, with the reason logged, when any of it fails; nothing is left running then.
  bool start();
  // SIGHUP: a new config and certificates for new connections, or the old ones kept.
  void reload();
  // Stops accepting, lets requests in flight finish (idle connections get `grace`), joins the
  // I/O threads and drains the services. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // start(), then SIGHUP reloads and SIGTERM or SIGINT stops. The process's exit code.
  int run();

 private:
  void listen(const config::Config& c, unsigned threads);

  std::string config_path_;
  std::unique_ptr<ClickLogService> click_log_;
  std::vector<Service*> services_;  // started in order, stopped in reverse
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<RescorerService> rescorer_;  // counts into runtime_'s metrics
  std::unique_ptr<SummaryService> summary_;
  std::unique_ptr<ApiService> api_;
  std::unique_ptr<WebhookService> webhooks_;
  std::unique_ptr<AnalyticsService> analytics_;
  std::unique_ptr<AcmeService> acme_;
  std::shared_ptr<boost::asio::ssl::context> admin_tls_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::shared_ptr<Listener>> listeners_;
  std::vector<std::thread> workers_;
  bool running_ = false;
};

}  // namespace linktrack::server
