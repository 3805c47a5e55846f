// Shipping to ClickHouse as a Service: one thread with its own connection to the log and its
// own HTTP client, at nice 19 (raised while the click writer waits for its write lock), so
// it never touches an I/O thread or holds the click writer back. ClickHouse down is the shipper's
// to ride out (back-off, the spool grows); the log itself failing is retried here with a fresh
// connection. Restart-only: analytics.clickhouse is read at start.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "analytics/shipper_metrics.hpp"
#include "service.hpp"

namespace linktrack::server {

class AnalyticsService final : public Service {
 public:
  explicit AnalyticsService(const config::Config& config);
  ~AnalyticsService() override;

  const char* name() const override { return "analytics"; }
  void start() override;
  void apply(const std::shared_ptr<const config::Config>&) override {}
  void stop() override;

  // Prometheus text for /metrics; empty when ClickHouse is not configured.
  std::string render_metrics() const;

 private:
  void run();
  bool pause(std::int64_t ms);

  config::Store store_;
  std::optional<config::ClickHouse> settings_;
  std::int64_t retention_days_;
  std::optional<std::string> node_id_;
  analytics::ShipperMetrics metrics_;
  bool running_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

}  // namespace linktrack::server
