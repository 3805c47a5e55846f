// One webhook endpoint's delivery, a step at a time: the oldest pending batch (or a new one from
// the log) is signed, posted, and acknowledged, retried, given up or the endpoint disabled, as
// the answer decides. Batches go one at a time and in order. Runs on the endpoint's own thread
// (server/webhook_service.hpp) with its own connection to the log: nothing here is shared.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "clicklog/database.hpp"
#include "clicklog/feed.hpp"
#include "config/config.hpp"
#include "webhook/endpoint_metrics.hpp"
#include "webhook/outbox.hpp"
#include "webhook/poster.hpp"

namespace linktrack::webhook {

// The events an endpoint takes, from its config.
clicklog::FeedFilter feed_filter(const config::Webhook& hook);

class Deliverer {
 public:
  Deliverer(clicklog::Database& db, const config::Webhook& hook, const std::string& node_id,
            EndpointMetrics& metrics, clicklog::WriterPriority* priority = nullptr,
            const std::atomic<bool>* cancel = nullptr);

  // Sends at most one batch. Returns how long to wait before the next step, in ms (0: at once).
  std::int64_t step(std::int64_t now_ms);
  // After a reload or a restart: an endpoint disabled by 410 Gone is sent to again.
  void enable() { outbox_.enable(); }

 private:
  std::int64_t send(Batch& b);

  const config::Webhook hook_;
  EndpointMetrics& metrics_;
  Outbox outbox_;
  clicklog::FeedReader feed_;
  Poster poster_;
  std::mt19937_64 random_;
};

}  // namespace linktrack::webhook
