// The click log's writer: one thread owns the only write connection and drains a bounded queue
// in batches, one transaction a batch. I/O threads only ever take a short queue lock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "clicklog/sink.hpp"
#include "clicklog/writer_priority.hpp"
#include "config/config.hpp"

namespace linktrack::clicklog {

struct WriterStats {
  std::atomic<std::uint64_t> submitted{0};
  std::atomic<std::uint64_t> written{0};
  std::atomic<std::uint64_t> dropped{0};       // queue full, or lost to a failing disk at exit
  std::atomic<std::uint64_t> batches{0};       // committed transactions
  std::atomic<std::uint64_t> write_errors{0};  // failed batch attempts (retried)
  std::atomic<std::uint64_t> queue_depth{0};
  std::atomic<std::uint64_t> batch_micros_total{0};
  std::atomic<std::uint64_t> retention_deleted{0};
  std::atomic<std::uint64_t> reopens{0};  // the file was deleted or replaced under the writer
};

// Which events the writer deletes as they age.
struct Retention {
  std::int64_t days = 0;      // 0: keep forever
  bool only_shipped = false;  // the log is a spool: never an event not yet in ClickHouse
};
// privacy.retention_days, or with analytics.clickhouse the spool's: keep_local_days when set
// (and shorter), shipped events only.
Retention spool_retention(const config::Config& c);

class SqliteWriter final : public ClickSink {
 public:
  // Opens (creating if needed) and migrates the database, then starts the writer thread.
  // Throws DatabaseError when the database cannot be opened or is newer than this binary.
  SqliteWriter(const config::Store& store, const Retention& retention, WriterStats& stats);
  ~SqliteWriter() override;

  bool submit(ClickEvent&& event, std::function<void(bool)> on_durable = {}) override;
  bool answers_after_commit() const override {
    return store_.durability == config::Durability::sync;
  }
  // Stops taking events, writes everything queued, joins the thread. Idempotent.
  void stop();

 private:
  struct Pending {
    Pending(ClickEvent&& e, std::function<void(bool)>&& done)
        : event(std::move(e)), on_durable(std::move(done)) {}
    ClickEvent event;
    std::function<void(bool)> on_durable;
  };
  void run();
  // Opens the log when it is not open, or no longer the file at store.path. False on failure.
  bool connected();
  bool write(Pending* batch, std::size_t count);
  // Deletes one slice of events past the retention; true while more may remain.
  bool delete_expired_slice();
  static constexpr int kRetentionSlice = 4096;
  std::uint64_t retention_run_ = 0;  // deleted in the current retention pass

  config::Store store_;
  Retention retention_;
  WriterStats& stats_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;
  // Events the writer has taken from queue_ in one swap and not yet committed: they still count
  // against queue_capacity.
  std::atomic<std::size_t> taken_{0};
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_drop_log_{};
  std::uint64_t drops_since_log_ = 0;
  WriterPriority priority_;
  std::thread thread_;
  struct Connection;
  std::unique_ptr<Connection> conn_;
};

}  // namespace linktrack::clicklog
