// Each webhook endpoint's counters and gauges, kept by its delivery thread and rendered as
// Prometheus text with an `endpoint` label.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "webhook/retry.hpp"

namespace linktrack::webhook {

struct EndpointMetrics {
  explicit EndpointMetrics(std::string id) : endpoint(std::move(id)) {}
  const std::string endpoint;
  std::atomic<std::uint64_t> delivered_events{0};
  std::atomic<std::uint64_t> delivered_batches{0};
  std::array<std::atomic<std::uint64_t>, kFailureCount> failures{};  // attempts, by class
  std::atomic<std::uint64_t> dead_lettered{0};  // batches given up after max_age
  std::atomic<std::uint64_t> errors{0};         // the thread's own errors (the log unreadable)
  // Gauges.
  std::atomic<std::int64_t> retrying{0};      // batches waiting for a retry
  std::atomic<std::int64_t> dead_letters{0};  // batches kept as dead letters now
  std::atomic<std::int64_t> disabled{0};      // 1 after 410 Gone, until a reload
  // When the oldest event not yet acknowledged happened (Unix ms); 0 when caught up.
  std::atomic<std::int64_t> oldest_unacknowledged_ms{0};
};

std::string render_metrics(const std::vector<std::shared_ptr<EndpointMetrics>>& endpoints,
                           std::int64_t now_ms);

}  // namespace linktrack::webhook
