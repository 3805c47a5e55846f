#include "analytics/shipper.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "analytics/forget_everywhere.hpp"
#include "analytics/partition_retention.hpp"
#include "analytics/schema.hpp"

namespace linktrack::analytics {

namespace {

constexpr std::int64_t kPollMs = 100;           // how often an idle shipper looks for rows
constexpr std::int64_t kForgetPollMs = 5000;    // forget requests applied within a minute
constexpr std::int64_t kRetentionMs = 3600000;  // partitions looked at hourly
constexpr std::int64_t kMaxBackoffMs = 30000;
constexpr std::int64_t kDownLogEveryMs = 60000;  // while down, a log line a minute
constexpr std::int64_t kGaugeRefreshMs = 1000;   // while backing off, the gauges this often

}  // namespace

Shipper::Shipper(clicklog::Database& db, const config::ClickHouse& settings,
                 std::int64_t retention_days, const std::string& node_id, ShipperMetrics& metrics,
                 clicklog::WriterPriority* priority, const std::atomic<bool>* cancel)
    : db_(db),
      settings_(settings),
      retention_days_(retention_days),
      metrics_(metrics),
      priority_(priority),
      ch_(settings, cancel),
      cursor_(db, kClickHouseCursor, priority),
      reader_(db, node_id),
      random_(std::random_device{}()) {
  cursor_.open();
  const auto s = cursor_.status();
  metrics_.shipped_rows.store(static_cast<std::uint64_t>(s.shipped_rows));
  metrics_.batches.store(static_cast<std::uint64_t>(s.batches));
}

std::int64_t Shipper::failed(const std::string& error, std::int64_t now_ms) {
  metrics_.failures.fetch_add(1);
  metrics_.up.store(0);
  refresh_gauges();
  cursor_.failed(error, now_ms);
  backoff_ms_ = std::clamp<std::int64_t>(backoff_ms_ * 2, 1000, kMaxBackoffMs);
  if (!down_since_ms_) {
    down_since_ms_ = last_down_log_ms_ = now_ms;
    spdlog::warn(
        "analytics: ClickHouse at {} failed: {}; events stay in the spool and are "
        "shipped when it is back",
        settings_.url, error);
  } else if (now_ms - last_down_log_ms_ >= kDownLogEveryMs) {
    last_down_log_ms_ = now_ms;
    spdlog::warn("analytics: ClickHouse failing for {} s: {}; {} log id(s) waiting in the spool",
                 (now_ms - down_since_ms_) / 1000, error, metrics_.ids_behind.load());
  }
  // Up to a fifth more, so that nodes that lost ClickHouse together do not return together.
  retry_at_ms_ = now_ms + backoff_ms_ +
                 std::uniform_int_distribution<std::int64_t>(0, backoff_ms_ / 5)(random_);
  return std::min(retry_at_ms_ - now_ms, kGaugeRefreshMs);
}

void Shipper::refresh_gauges() {
  metrics_.ids_behind.store(reader_.last_id() - cursor_.after_id());
  metrics_.oldest_unshipped_ms.store(reader_.first_time_after(cursor_.after_id()));
}

void Shipper::housekeeping(std::int64_t now_ms) {
  if (now_ms >= next_forget_poll_ms_) {
    // The whole look-back once, then what is recent: an hour back covers requests that reach
    // ClickHouse late and clocks that differ; those already applied are skipped.
    const auto since_s =
        forget_polled_ ? now_ms / 1000 - 3600 : now_ms / 1000 - kForgetLookBackSeconds;
    const auto applied = apply_forget_requests(db_, ch_, priority_, since_s, now_ms);
    forget_polled_ = true;
    metrics_.forgets_applied.fetch_add(static_cast<std::uint64_t>(applied));
    if (applied) next_.reset();  // read before the spool forgot: read again
    next_forget_poll_ms_ = now_ms + kForgetPollMs;
  }
  if (now_ms >= next_retention_ms_) {
    if (retention_days_ > 0) {
      const auto cutoff = now_ms - retention_days_ * 86400000;
      for (const auto& p : drop_expired_partitions(ch_, "events", cutoff)) {
        metrics_.partitions_dropped.fetch_add(1);
        spdlog::info("analytics: retention dropped ClickHouse partition {} of events", p);
      }
    }
    // Requests are read for 30 days; kept two months.
    drop_expired_partitions(ch_, "forget_requests", now_ms - 62LL * 86400000);
    next_retention_ms_ = now_ms + kRetentionMs;
  }
}

std::int64_t Shipper::step(std::int64_t now_ms) {
  if (now_ms < retry_at_ms_) {  // backing off: the gauges stay current meanwhile
    refresh_gauges();
    return std::min(retry_at_ms_ - now_ms, kGaugeRefreshMs);
  }
  try {
    if (!schema_ready_) {
      const auto r = migrate(ch_);
      if (!r.applied.empty())
        spdlog::info("analytics: ClickHouse database {} brought to schema version {}",
                     settings_.database, r.to);
      schema_ready_ = true;
      metrics_.up.store(1);
    }
    housekeeping(now_ms);
  } catch (const ClickHouseError& e) {
    return failed(e.what(), now_ms);
  }
  const auto batch_max = static_cast<std::size_t>(settings_.batch_max);
  SpoolPage page;
  if (next_ && next_->after_id == cursor_.after_id())
    page = std::move(*next_);
  else
    page = reader_.read(cursor_.after_id(), batch_max);
  next_.reset();
  metrics_.ids_behind.store(page.last_id - cursor_.after_id());
  if (page.count == 0) {
    if (page.read_to != cursor_.after_id()) cursor_.advance(page.read_to, 0, now_ms);
    metrics_.ids_behind.store(page.last_id - cursor_.after_id());
    metrics_.oldest_unshipped_ms.store(0);
    return kPollMs;
  }
  metrics_.oldest_unshipped_ms.store(page.first_time_ms);
  const auto age = now_ms - page.first_time_ms;
  if (page.count < settings_.batch_max && age < settings_.batch_interval_ms)
    return std::min(settings_.batch_interval_ms - age, kPollMs);
  // The insert on a thread of its own, mostly waiting on ClickHouse, while this one reads the
  // next page when more is waiting: reading and ClickHouse's parsing overlap, which is what
  // catching up at full speed takes. This thread alone touches the log.
  static const std::string columns = spool_columns();
  auto insert = std::async(std::launch::async,
                           [&] { return ch_.insert_tsv_rows("events", columns, page.rows); });
  if (page.count == settings_.batch_max) {
    try {
      next_ = reader_.read(page.read_to, batch_max);
    } catch (...) {
      insert.wait();  // `page` must outlive the insert
      throw;
    }
  }
  const auto answer = insert.get();
  if (!answer.ok()) {
    next_.reset();
    if (answer.failure == outbound::TransportFailure::cancelled) return 0;  // stopping
    // A table dropped or never made: made again before the next insert.
    if (answer.body.find("doesn't exist") != std::string::npos) schema_ready_ = false;
    return failed(answer.error, now_ms);
  }
  cursor_.advance(page.read_to, page.count, now_ms);
  metrics_.shipped_rows.fetch_add(static_cast<std::uint64_t>(page.count));
  metrics_.batches.fetch_add(1);
  metrics_.up.store(1);
  metrics_.ids_behind.store(page.last_id - cursor_.after_id());
  metrics_.oldest_unshipped_ms.store(0);
  backoff_ms_ = 0;
  if (down_since_ms_) {
    spdlog::info(
        "analytics: ClickHouse takes events again after {} s; catching up on {} log "
        "id(s)",
        (now_ms - down_since_ms_) / 1000, page.last_id - page.read_to);
    down_since_ms_ = 0;
  }
  return 0;
}

}  // namespace linktrack::analytics
