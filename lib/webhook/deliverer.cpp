#include "webhook/deliverer.hpp"

#include <spdlog/spdlog.h>

#include "util/clock.hpp"
#include "webhook/signature.hpp"

namespace linktrack::webhook {

namespace {

constexpr std::int64_t kPollMs = 100;  // how often an idle endpoint looks for new events

}  // namespace

clicklog::FeedFilter feed_filter(const config::Webhook& hook) {
  clicklog::FeedFilter f;
  f.kinds.clear();
  using config::WebhookEvent;
  if (hook.takes(WebhookEvent::click)) f.kinds.push_back(clicklog::EventKind::click);
  if (hook.takes(WebhookEvent::open)) f.kinds.push_back(clicklog::EventKind::open);
  if (hook.takes(WebhookEvent::app)) f.kinds.push_back(clicklog::EventKind::app);
  f.verdicts = hook.takes(WebhookEvent::verdict);
  f.hosts = hook.hosts;
  f.campaigns = hook.campaigns;
  return f;
}

Deliverer::Deliverer(clicklog::Database& db, const config::Webhook& hook,
                     const std::string& node_id, EndpointMetrics& metrics,
                     clicklog::WriterPriority* priority, const std::atomic<bool>* cancel)
    : hook_(hook),
      metrics_(metrics),
      outbox_(db, hook.id, node_id),
      feed_(db, feed_filter(hook), node_id),
      poster_(PostTarget{hook.url, hook.timeout_ms, hook.allow_private, hook.ca_file, cancel}),
      random_(std::random_device{}()) {
  outbox_.set_priority(priority);
  outbox_.open();
  metrics_.dead_letters.store(static_cast<std::int64_t>(dead_letters(db, hook.id).size()));
}

std::int64_t Deliverer::step(std::int64_t now_ms) {
  if (outbox_.disabled()) {
    metrics_.disabled.store(1);
    return 1000;
  }
  metrics_.disabled.store(0);
  auto batch = outbox_.pending();
  if (!batch) {
    std::int64_t wait = 0;
    batch = outbox_.make(feed_, static_cast<std::size_t>(hook_.batch_max), hook_.batch_interval_ms,
                         now_ms, wait);
    if (!batch) {
      metrics_.retrying.store(0);
      metrics_.oldest_unacknowledged_ms.store(wait ? now_ms - (hook_.batch_interval_ms - wait) : 0);
      return wait ? std::min(wait, kPollMs) : kPollMs;
    }
  }
  metrics_.oldest_unacknowledged_ms.store(batch->first_time_ms);
  metrics_.retrying.store(batch->attempts > 0 ? 1 : 0);
  if (batch->next_attempt_ms > now_ms) return batch->next_attempt_ms - now_ms;
  return send(*batch);
}

std::int64_t Deliverer::send(Batch& b) {
  const std::int64_t timestamp_s = util::unix_now_ms() / 1000;
  const std::vector<std::string> headers = {
      "Content-Type: application/json",
      "webhook-id: " + b.message_id,
      "webhook-timestamp: " + std::to_string(timestamp_s),
      "webhook-signature: " + signature_header(hook_.keys, b.message_id, timestamp_s, b.body),
  };
  const Answer answer = poster_.post(headers, b.body);
  if (answer.cancelled) return 0;  // stopping: the batch stays pending as it was
  const std::int64_t now_ms = util::unix_now_ms();
  const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  const Decision d =
      decide(answer, b.attempts + 1, b.created_ms, now_ms, hook_.max_age_seconds * 1000, jitter);
  if (d.failure) metrics_.failures[static_cast<std::size_t>(*d.failure)].fetch_add(1);
  switch (d.action) {
    case Decision::Action::acknowledge:
      outbox_.acknowledge(b, now_ms);
      metrics_.delivered_events.fetch_add(static_cast<std::uint64_t>(b.events));
      metrics_.delivered_batches.fetch_add(1);
      metrics_.retrying.store(0);
      metrics_.oldest_unacknowledged_ms.store(0);
      if (b.attempts > 0)
        spdlog::info("webhook {}: {} delivered after {} attempt(s)", hook_.id, b.message_id,
                     b.attempts + 1);
      return 0;
    case Decision::Action::retry:
      outbox_.failed(b, d, now_ms);
      metrics_.retrying.store(1);
      spdlog::warn("webhook {}: {} ({} events) failed: {}; attempt {} in {} s", hook_.id,
                   b.message_id, b.events, d.error, b.attempts + 2,
                   (d.next_attempt_ms - now_ms + 999) / 1000);
      return d.next_attempt_ms - now_ms;
    case Decision::Action::dead_letter:
      outbox_.failed(b, d, now_ms);
      metrics_.dead_lettered.fetch_add(1);
      metrics_.dead_letters.fetch_add(1);
      metrics_.retrying.store(0);
      spdlog::error(
          "webhook {}: {} ({} events, ids {}..{}) given up after {} attempts over max_age: {}; "
          "kept as a dead letter ('linktrack webhooks replay --endpoint {}' sends it again)",
          hook_.id, b.message_id, b.events, b.first_id, b.last_id, b.attempts + 1, d.error,
          hook_.id);
      return 0;
    case Decision::Action::disable:
      outbox_.disable(b, d, now_ms);
      metrics_.disabled.store(1);
      spdlog::error(
          "webhook {}: the endpoint answered 410 Gone: disabled, nothing more is sent until the "
          "config is reloaded (SIGHUP); events keep collecting in the log",
          hook_.id);
      return 1000;
  }
  return 0;
}

}  // namespace linktrack::webhook
