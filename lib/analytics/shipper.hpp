// The node's spool shipped to ClickHouse, a step at a time: the rows after the cursor are
// inserted (a batch when batch_max are waiting or the first is batch_interval_ms old) and the
// cursor moves once ClickHouse acknowledges them. ClickHouse down: the step backs off (1 s up
// to 30 s), the spool grows, logs and metrics say so, and it catches up a full batch a step
// when ClickHouse is back. Between batches it applies forget requests and drops expired
// partitions. Runs on its own thread (server/analytics_service.hpp) with its own connection
// to the log.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "analytics/clickhouse_client.hpp"
#include "analytics/shipper_metrics.hpp"
#include "analytics/shipping_cursor.hpp"
#include "analytics/spool_reader.hpp"
#include "clicklog/database.hpp"
#include "clicklog/writer_priority.hpp"
#include "config/config.hpp"

namespace linktrack::analytics {

class Shipper {
 public:
  Shipper(clicklog::Database& db, const config::ClickHouse& settings, std::int64_t retention_days,
          const std::string& node_id, ShipperMetrics& metrics,
          clicklog::WriterPriority* priority = nullptr, const std::atomic<bool>* cancel = nullptr);

  // Ships at most one batch. Returns how long to wait before the next step, in ms (0: at once).
  std::int64_t step(std::int64_t now_ms);

 private:
  std::int64_t failed(const std::string& error, std::int64_t now_ms);
  void housekeeping(std::int64_t now_ms);
  void refresh_gauges();

  clicklog::Database& db_;
  const config::ClickHouse settings_;
  const std::int64_t retention_days_;
  ShipperMetrics& metrics_;
  clicklog::WriterPriority* priority_;
  ClickHouseClient ch_;
  ShippingCursor cursor_;
  SpoolReader reader_;
  std::optional<SpoolPage> next_;  // read while the previous insert was under way
  std::mt19937_64 random_;
  bool schema_ready_ = false;
  bool forget_polled_ = false;  // the whole look-back has been read once
  std::int64_t backoff_ms_ = 0, retry_at_ms_ = 0;
  std::int64_t down_since_ms_ = 0, last_down_log_ms_ = 0;
  std::int64_t next_forget_poll_ms_ = 0, next_retention_ms_ = 0;
};

}  // namespace linktrack::analytics
