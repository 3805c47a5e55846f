#include "analytics/shipper_metrics.hpp"

#include <algorithm>
#include <sstream>

namespace linktrack::analytics {

std::string render_metrics(const ShipperMetrics& m, std::int64_t now_ms) {
  std::ostringstream o;
  auto metric = [&](const char* name, const char* type, const char* help, auto value) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n"
      << name << " " << value << "\n";
  };
  auto load = [](const auto& a) { return a.load(std::memory_order_relaxed); };
  metric("linktrack_analytics_shipped_rows_total", "counter",
         "Rows (events, and events whose verdict changed) inserted into ClickHouse.",
         load(m.shipped_rows));
  metric("linktrack_analytics_batches_total", "counter", "Inserts ClickHouse acknowledged.",
         load(m.batches));
  metric("linktrack_analytics_failures_total", "counter",
         "Inserts and housekeeping queries that failed (retried with back-off).", load(m.failures));
  metric("linktrack_analytics_forgets_applied_total", "counter",
         "forget requests (from any node) applied to this node's spool.", load(m.forgets_applied));
  metric("linktrack_analytics_partitions_dropped_total", "counter",
         "Monthly partitions dropped by retention.", load(m.partitions_dropped));
  metric("linktrack_analytics_up", "gauge", "1 while ClickHouse takes what is sent.", load(m.up));
  metric("linktrack_analytics_spool_ids_behind", "gauge",
         "Log ids (events and verdict changes) not yet shipped.", load(m.ids_behind));
  const auto oldest = load(m.oldest_unshipped_ms);
  metric("linktrack_analytics_lag_seconds", "gauge",
         "Age of the oldest event not yet shipped; 0 when caught up.",
         oldest ? static_cast<double>(std::max<std::int64_t>(0, now_ms - oldest)) / 1000.0 : 0.0);
  return o.str();
}

}  // namespace linktrack::analytics
