#include "analytics_service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "analytics/shipper.hpp"
#include "clicklog/node_id.hpp"
#include "clicklog/writer_priority.hpp"
#include "util/clock.hpp"
#include "util/thread_name.hpp"

namespace linktrack::server {

AnalyticsService::AnalyticsService(const config::Config& config)
    : store_(config.store),
      settings_(config.analytics.clickhouse),
      retention_days_(config.privacy.retention_days),
      node_id_(config.node_id) {}

AnalyticsService::~AnalyticsService() {
  stop();
}

void AnalyticsService::start() {
  if (!settings_) return;
  if (store_.path == ":memory:") {  // another connection would see another database
    spdlog::warn("analytics: nothing shipped from an in-memory click log (store.path: :memory:)");
    return;
  }
  outbound::HttpClient::global_init();  // before the thread makes a client
  running_ = true;
  spdlog::info("analytics: shipping events to ClickHouse at {} (database {})", settings_->url,
               settings_->database);
  thread_ = std::thread([this] {
    util::name_this_thread("lt-clickhouse");
    run();
  });
}

void AnalyticsService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cancel_.store(true);
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool AnalyticsService::pause(std::int64_t ms) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  return !stopping_;
}

void AnalyticsService::run() {
  // Nice 19, not SCHED_IDLE: ClickHouse waits for these rows (see WriterPriority).
  clicklog::WriterPriority priority(clicklog::WriterPriority::Background::low);
  priority.attach(true);
  auto last_error_log = std::chrono::steady_clock::time_point{};
  while (!cancel_.load()) {
    try {
      clicklog::Database db(store_.path, clicklog::Database::Mode::read_write,
                            static_cast<int>(store_.busy_timeout_ms));
      const std::string node = clicklog::node_id(db, node_id_);
      analytics::Shipper shipper(db, *settings_, retention_days_, node, metrics_, &priority,
                                 &cancel_);
      for (;;) {
        const std::int64_t wait = shipper.step(util::unix_now_ms());
        if (cancel_.load()) return;
        if (wait > 0 && !pause(wait)) return;
      }
    } catch (const std::exception& e) {
      // The log locked, missing or replaced: counted, logged at most once a minute, retried
      // with a fresh connection. Events stay in the log meanwhile.
      metrics_.failures.fetch_add(1);
      const auto now = std::chrono::steady_clock::now();
      if (now - last_error_log > std::chrono::minutes(1)) {
        spdlog::error("analytics: {}; retrying", e.what());
        last_error_log = now;
      }
      if (!pause(1000)) return;
    }
  }
}

std::string AnalyticsService::render_metrics() const {
  if (!running_) return {};
  return analytics::render_metrics(metrics_, util::unix_now_ms());
}

}  // namespace linktrack::server
