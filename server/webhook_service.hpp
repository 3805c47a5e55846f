// Webhook delivery as a Service: one thread per endpoint, each with its own connection to the
// log and its own HTTP client, so a slow or dead endpoint never delays another, never touches
// an I/O thread, and never holds the click writer (nice 19, raised while the writer waits for its
// write lock). A reload starts, changes and stops endpoints and re-enables those that
// answered 410 Gone; stopping waits at most for the requests in flight (their timeouts).
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service.hpp"
#include "webhook/endpoint_metrics.hpp"

namespace linktrack::server {

class WebhookService final : public Service {
 public:
  explicit WebhookService(const std::shared_ptr<const config::Config>& config);
  ~WebhookService() override;

  const char* name() const override { return "webhooks"; }
  void start() override;
  void apply(const std::shared_ptr<const config::Config>& config) override;
  void stop() override;

  // Prometheus text for /metrics.
  std::string render_metrics() const;

 private:
  struct Worker;
  void launch(const config::Webhook& hook);

  config::Store store_;
  std::optional<std::string> node_id_;
  std::vector<config::Webhook> hooks_;  // as configured at start
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Worker>> workers_;  // by endpoint id
  std::vector<std::unique_ptr<Worker>> retired_;            // removed by a reload; joined at stop
  std::map<std::string, std::shared_ptr<webhook::EndpointMetrics>> metrics_;
};

}  // namespace linktrack::server
