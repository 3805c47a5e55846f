// The summarizer as a Service (clicklog/summarizer.hpp): a thread of its own that keeps the
// summary the dashboard reads current, about once a second, in short transactions on its own
// connection, at idle CPU priority like the re-scorer. After a restart it goes on from its
// cursor; on a log that has none yet it builds the summary from the first event, in the
// background. Its state is in /metrics (linktrack_summarizer_*) and the log.
#pragma once

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "clicklog/summarizer.hpp"
#include "clicklog/writer_priority.hpp"
#include "service.hpp"
#include "util/thread_name.hpp"

namespace linktrack::server {

class SummaryService final : public Service {
 public:
  explicit SummaryService(const config::Config& c) : store_(c.store) {}
  ~SummaryService() override { stop(); }

  const char* name() const override { return "summarizer"; }
  void start() override {
    if (store_.path == ":memory:") return;  // another connection would see another database
    thread_ = std::thread([this] {
      util::name_this_thread("lt-summary");
      run();
    });
  }
  void apply(const std::shared_ptr<const config::Config>&) override {}
  void stop() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  std::string render_metrics() const {
    const auto lag = std::max<std::int64_t>(0, newest_.load() - after_.load());
    return fmt::format(
        "# HELP linktrack_summarizer_events_total Events added to the dashboard's summary.\n"
        "# TYPE linktrack_summarizer_events_total counter\nlinktrack_summarizer_events_total {}\n"
        "# HELP linktrack_summarizer_recomputed_total Summary hours recomputed after their "
        "events changed (re-scoring, forget, retention).\n"
        "# TYPE linktrack_summarizer_recomputed_total counter\n"
        "linktrack_summarizer_recomputed_total {}\n"
        "# HELP linktrack_summarizer_lag_events Logged events not yet in the summary (queries add "
        "them from the log).\n"
        "# TYPE linktrack_summarizer_lag_events gauge\nlinktrack_summarizer_lag_events {}\n"
        "# HELP linktrack_summarizer_pending_recomputes Summary hours to recompute (their events "
        "changed); exact stats read them from the log meanwhile.\n"
        "# TYPE linktrack_summarizer_pending_recomputes "
        "gauge\nlinktrack_summarizer_pending_recomputes {}\n"
        "# HELP linktrack_summarizer_errors_total Summarizer steps that failed (retried).\n"
        "# TYPE linktrack_summarizer_errors_total counter\nlinktrack_summarizer_errors_total {}\n"
        "# HELP linktrack_summarizer_steps_total Summarizer steps run (the lag is known after "
        "the first).\n"
        "# TYPE linktrack_summarizer_steps_total counter\nlinktrack_summarizer_steps_total {}\n",
        events_.load(), hours_.load(), lag, dirty_.load(), errors_.load(), steps_.load());
  }

 private:
  bool pause(std::int64_t ms) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_.load(); });
    return !stopping_.load();
  }

  void run() {
    clicklog::WriterPriority priority;
    priority.attach(true);
    auto last_error_log = std::chrono::steady_clock::time_point{};
    bool announced = false, announced_hours = false;
    bool first = true;  // the first step at once: the lag is unknown until it ran
    while (pause(busy_ || std::exchange(first, false) ? 0 : 1000)) {
      try {
        if (!db_)
          db_ = std::make_unique<clicklog::Database>(store_.path,
                                                     clicklog::Database::Mode::read_write,
                                                     static_cast<int>(store_.busy_timeout_ms));
        const auto p = clicklog::summarize_step(*db_, kMaxEvents, kMaxHours, &priority);
        events_.fetch_add(static_cast<std::uint64_t>(p.events), std::memory_order_relaxed);
        hours_.fetch_add(static_cast<std::uint64_t>(p.hours_recomputed), std::memory_order_relaxed);
        after_.store(p.after_id, std::memory_order_relaxed);
        newest_.store(std::max(p.newest_id, p.after_id), std::memory_order_relaxed);
        dirty_.store(p.dirty_hours, std::memory_order_relaxed);
        // At once again only while there is a backlog (a full step): following the newest
        // events a few at a time would cost a transaction and the cells' merge for each few,
        // on the core the clicks share.
        busy_ = p.events >= kMaxEvents || p.hours_recomputed >= kMaxHours;
        steps_.fetch_add(1, std::memory_order_relaxed);
        if (busy_ && !announced && p.newest_id - p.after_id > 100000) {
          spdlog::info("summarizer: summarizing {} earlier events for the dashboard",
                       p.newest_id - p.after_id);
          announced = true;
        }
        if (busy_ && !announced_hours && p.dirty_hours > 100) {
          spdlog::info("summarizer: recomputing {} hours of the summary", p.dirty_hours);
          announced_hours = true;
        }
      } catch (const std::exception& e) {
        // A locked, missing or replaced file: counted, logged at most once a minute, retried
        // with a fresh connection.
        db_.reset();
        busy_ = false;
        errors_.fetch_add(1, std::memory_order_relaxed);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_error_log > std::chrono::minutes(1)) {
          spdlog::error("summarizer: {}; retrying", e.what());
          last_error_log = now;
        }
      }
    }
    db_.reset();
  }

  static constexpr std::int64_t kMaxEvents = 20000;  // a step's new events at most
  static constexpr std::int64_t kMaxHours = 4;       // and hours recomputed
  config::Store store_;
  std::unique_ptr<clicklog::Database> db_;
  bool busy_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> events_{0}, hours_{0}, errors_{0}, steps_{0};
  std::atomic<std::int64_t> after_{0}, newest_{0}, dirty_{0};
  std::thread thread_;
};

}  // namespace linktrack::server
