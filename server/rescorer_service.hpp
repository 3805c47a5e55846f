// The re-scorer as a Service: a thread of its own that follows the click log about once a
// second and rewrites the verdicts that later clicks of the same message change (a burst that
// completed, a honeypot hit). Never on an I/O thread; its own connection, short transactions.
// After a restart it starts again from as far back as evidence reaches (the windows in the rules).
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "classify/classifier.hpp"
#include "clicklog/rescorer.hpp"
#include "metrics/metrics.hpp"
#include "service.hpp"
#include "util/clock.hpp"
#include "util/thread_name.hpp"

namespace linktrack::server {

class RescorerService final : public Service {
 public:
  RescorerService(const config::Config& c, metrics::Metrics& metrics)
      : store_(c.store),
        classifier_(std::make_shared<const classify::Classifier>(c.bot_rules)),
        metrics_(metrics) {}
  ~RescorerService() override { stop(); }

  const char* name() const override { return "re-scorer"; }
  void start() override {
    if (store_.path == ":memory:") return;  // another connection would see another database
    thread_ = std::thread([this] {
      util::name_this_thread("lt-rescorer");
      run();
    });
  }
  void apply(const std::shared_ptr<const config::Config>& c) override {
    auto next = std::make_shared<const classify::Classifier>(c->bot_rules);
    std::lock_guard lock(mutex_);
    classifier_ = std::move(next);
  }
  void stop() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  // Sleeps `ms` unless stopped; false once stopping.
  bool pause(std::int64_t ms) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_.load(); });
    return !stopping_.load();
  }

  std::shared_ptr<const classify::Classifier> classifier() {
    std::lock_guard lock(mutex_);
    return classifier_;
  }

  void run() {
    // Background work: at idle CPU priority it never takes a core from the I/O threads or the
    // writer, and catches up when they leave room (normal priority while it writes, if the
    // process may come back from idle; otherwise it stays at normal priority throughout).
    clicklog::WriterPriority priority;
    priority.attach(true);
    auto last_error_log = std::chrono::steady_clock::time_point{};
    while (pause(1000)) {
      try {
        clicklog::Database db(store_.path, clicklog::Database::Mode::read_write,
                              static_cast<int>(store_.busy_timeout_ms));
        auto c = classifier();
        const auto& s = c->rules().signals;
        const std::int64_t reach = std::max(s.burst_window_s, s.honeypot_window_s) * 1000;
        clicklog::Rescorer r(db, c, util::unix_now_ms() - reach,
                             clicklog::Rescorer::Scope::message_events);
        r.set_priority(&priority);
        do {
          if (auto next = classifier(); next != c) r.set_classifier(c = next);
          std::int64_t examined = r.stats().examined, changed = r.stats().changed;
          // Catches up while steps come back full; a partly full step means it has reached
          // the newest event, and chasing the events logged meanwhile a few at a time would
          // cost a statement and a transaction for each few (the core the clicks share).
          while (r.step(kStep) == kStep && !stopping_) {
          }
          metrics_.rescored_events.fetch_add(
              static_cast<std::uint64_t>(r.stats().examined - examined), std::memory_order_relaxed);
          metrics_.verdict_changes.fetch_add(
              static_cast<std::uint64_t>(r.stats().changed - changed), std::memory_order_relaxed);
        } while (pause(1000));
        return;
      } catch (const std::exception& e) {
        // A missing, locked or replaced file: counted, logged at most once a minute, retried
        // with a fresh connection.
        metrics_.rescore_errors.fetch_add(1, std::memory_order_relaxed);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_error_log > std::chrono::minutes(1)) {
          spdlog::error("re-scorer: {}; retrying", e.what());
          last_error_log = now;
        }
      }
    }
  }

  static constexpr std::size_t kStep = 4096;  // events a step reads at most
  config::Store store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::shared_ptr<const classify::Classifier> classifier_;
  metrics::Metrics& metrics_;
  std::thread thread_;
};

}  // namespace linktrack::server
