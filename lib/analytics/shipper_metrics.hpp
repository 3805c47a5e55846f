// The shipper's counters and gauges, kept by its thread and rendered as Prometheus text.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace linktrack::analytics {

struct ShipperMetrics {
  std::atomic<std::uint64_t> shipped_rows{0};  // rows acknowledged by ClickHouse
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> failures{0};  // inserts and housekeeping that failed (retried)
  std::atomic<std::uint64_t> forgets_applied{0};
  std::atomic<std::uint64_t> partitions_dropped{0};
  // Gauges.
  std::atomic<std::int64_t> up{0};                   // 1 while ClickHouse takes what is sent
  std::atomic<std::int64_t> ids_behind{0};           // log ids after the cursor
  std::atomic<std::int64_t> oldest_unshipped_ms{0};  // 0 when caught up
};

std::string render_metrics(const ShipperMetrics& m, std::int64_t now_ms);

}  // namespace linktrack::analytics
