#include "clicklog/sqlite_writer.hpp"

#include "clicklog/background_slice.hpp"
#include "clicklog/summarizer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <thread>

#include "clicklog/database.hpp"
#include "clicklog/event_columns.hpp"
#include "clicklog/id_sequence.hpp"
#include "clicklog/writer_priority.hpp"
#include "util/clock.hpp"
#include "util/thread_name.hpp"

namespace linktrack::clicklog {
namespace {

// The writer waiting for the log's write lock, which the re-scorer, the summary, a feed
// consumer or `forget` holds: the background holders are raised while it waits (see
// WriterPriority::hold), and it sleeps as SQLite's own busy timeout would, up to the store's
// busy_timeout_ms.
struct BusyWait {
  std::chrono::milliseconds timeout;
  std::chrono::steady_clock::time_point started{};
  static int on_busy(void* self, int attempts) {
    auto& w = *static_cast<BusyWait*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (attempts == 0)
      w.started = now;
    else if (now - w.started >= w.timeout)
      return 0;  // SQLITE_BUSY: the batch is retried later
    WriterPriority::raise_lock_holders();
    std::this_thread::sleep_for(std::chrono::milliseconds(attempts < 10 ? 1 : 5));
    return 1;
  }
};

}  // namespace

struct SqliteWriter::Connection {
  Database db;
  BusyWait busy_wait;
  // INSERTs of kInsertRows[i] events a step. Many rows a step share what SQLite pays a step
  // (reset, the program's transaction and schema checks, opening and positioning the table's
  // and the indexes' cursors): a fifth of the writer's instructions an event.
  std::array<Statement, kInsertRows.size()> inserts;
  Statement last_id;      // the id the next batch numbers after
  Statement record_last;  // … and what it gave, in the same transaction
  // The file this connection writes, to notice when the name no longer leads to it.
  std::optional<std::pair<dev_t, ino_t>> identity;
  explicit Connection(const config::Store& store)
      : db(store.path, Database::Mode::read_write, static_cast<int>(store.busy_timeout_ms)),
        busy_wait{std::chrono::milliseconds(store.busy_timeout_ms)},
        inserts{Statement(db, (prepare(db), event_insert_sql(kInsertRows[0]))),
                Statement(db, event_insert_sql(kInsertRows[1])),
                Statement(db, event_insert_sql(kInsertRows[2]))},
        last_id(db, kIdBaseSql),
        record_last(db, kRecordLastIdSql),
        identity(file_identity(store.path)) {
    sqlite3_busy_handler(db.handle(), &BusyWait::on_busy, &busy_wait);
  }
  static Database& prepare(Database& db) {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    migrate(db);
    return db;
  }
  static std::optional<std::pair<dev_t, ino_t>> file_identity(const std::string& path) {
    struct stat st {};
    if (path == ":memory:" || ::stat(path.c_str(), &st) != 0) return std::nullopt;
    return std::pair{st.st_dev, st.st_ino};
  }
  // A deleted or replaced file keeps taking writes through the open descriptor, and every one
  // of them would be lost: one stat a batch tells.
  bool file_gone(const std::string& path) const {
    return identity && file_identity(path) != identity;
  }
};

Retention spool_retention(const config::Config& c) {
  Retention r{c.privacy.retention_days, false};
  if (const auto& ch = c.analytics.clickhouse) {
    r.only_shipped = true;
    if (ch->keep_local_days > 0 && (r.days == 0 || ch->keep_local_days < r.days))
      r.days = ch->keep_local_days;
  }
  return r;
}

SqliteWriter::SqliteWriter(const config::Store& store, const Retention& retention,
                           WriterStats& stats)
    : store_(store),
      retention_(retention),
      stats_(stats),
      conn_(std::make_unique<Connection>(store)) {
  struct stat st {};
  if (store.path != ":memory:" && ::stat(store.path.c_str(), &st) == 0 && (st.st_mode & 0044))
    spdlog::warn(
        "click log: {} is readable by other users (it holds client addresses and "
        "recipient ids): chmod 600 it and its -wal and -shm files",
        store.path);
  thread_ = std::thread([this] {
    util::name_this_thread("lt-writer");
    run();
  });
}

SqliteWriter::~SqliteWriter() {
  stop();
}

bool SqliteWriter::submit(ClickEvent&& event, std::function<void(bool)> on_durable) {
  stats_.submitted.fetch_add(1, std::memory_order_relaxed);
  {
    std::unique_lock lock(mutex_);
    const std::size_t pending = queue_.size() + taken_.load(std::memory_order_relaxed);
    if (!stopping_ && pending < static_cast<std::size_t>(store_.queue_capacity)) {
      queue_.emplace_back(std::move(event), std::move(on_durable));
      stats_.queue_depth.store(pending + 1, std::memory_order_relaxed);
      priority_.on_submit(pending + 1, static_cast<std::size_t>(store_.queue_capacity));
      const bool full_batch = queue_.size() >= static_cast<std::size_t>(store_.batch_max);
      const bool now = store_.durability == config::Durability::sync;
      lock.unlock();
      if (full_batch || now) wake_.notify_one();
      return true;
    }
    // Dropped: count it and log, at most every ten seconds, how many went since the last log.
    ++drops_since_log_;
    auto t = std::chrono::steady_clock::now();
    if (t - last_drop_log_ > std::chrono::seconds(10)) {
      spdlog::error("click queue full ({} events): dropped {} click event(s) since the last report",
                    store_.queue_capacity, drops_since_log_);
      drops_since_log_ = 0;
      last_drop_log_ = t;
    }
  }
  stats_.dropped.fetch_add(1, std::memory_order_relaxed);
  if (on_durable) on_durable(false);
  return false;
}

void SqliteWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool SqliteWriter::connected() {
  if (conn_ && !conn_->file_gone(store_.path)) return true;
  if (conn_) {
    stats_.write_errors.fetch_add(1, std::memory_order_relaxed);
    stats_.reopens.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("click log: {} was deleted or replaced while open; writing to a new file there",
                  store_.path);
    conn_.reset();
  }
  try {
    conn_ = std::make_unique<Connection>(store_);
    return true;
  } catch (const DatabaseError& err) {
    stats_.write_errors.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("click log: cannot open {}, will retry: {}", store_.path, err.what());
    return false;
  }
}

bool SqliteWriter::write(Pending* batch, std::size_t count) {
  const auto started = std::chrono::steady_clock::now();
  if (!connected()) return false;
  try {
    Transaction tx(conn_->db);
    // Numbered under the write lock, after every id ever given: a later batch's ids are all
    // above an earlier one's, so a reader paging by id sees each event once.
    auto& last = conn_->last_id;
    last.reset();
    last.step();
    std::int64_t id = last.int64(0);
    // Done with it now: a statement left open holds its read snapshot past the commit, and the
    // next batch could not write once another connection (the re-scorer, forget) had.
    last.reset();
    // The batch outlives the transaction, so its strings are bound without copies. A step's
    // first row carries its id, the others none: SQLite gives each the table's largest id + 1,
    // the same numbers without a uniqueness seek a row. What it gave is read back, so the
    // counter records the largest id even if the table held a larger one than it knew.
    std::size_t done = 0;
    BackgroundSlice slice;
    for (std::size_t tier = 0; tier < kInsertRows.size(); ++tier) {
      const std::size_t rows = kInsertRows[tier];
      auto& s = conn_->inserts[tier];
      for (; count - done >= rows; done += rows) {
        s.reset();
        for (std::size_t r = 0; r < rows; ++r) {
          slice.step();
          const int base = static_cast<int>(r) * kEventInsertParams;
          if (r == 0)
            s.bind(base + 1, id + 1);
          else
            s.bind_null(base + 1);
          for (std::size_t c = 0; c < kEventColumns.size(); ++c)
            kEventColumns[c].bind(s, base + static_cast<int>(c + 2), batch[done + r].event);
        }
        s.step();
        id = sqlite3_last_insert_rowid(conn_->db.handle());
      }
    }
    auto& record = conn_->record_last;
    record.reset();
    record.bind(1, id);
    record.step();
    tx.commit();
  } catch (const DatabaseError& err) {
    stats_.write_errors.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("click log: writing {} event(s) failed, will retry: {}", count, err.what());
    return false;
  }
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  stats_.batch_micros_total.fetch_add(static_cast<std::uint64_t>(micros),
                                      std::memory_order_relaxed);
  stats_.batches.fetch_add(1, std::memory_order_relaxed);
  stats_.written.fetch_add(count, std::memory_order_relaxed);
  for (std::size_t i = 0; i < count; ++i)
    if (batch[i].on_durable) batch[i].on_durable(true);
  return true;
}

bool SqliteWriter::delete_expired_slice() {
  if (!connected()) return false;
  try {
    // One slice a transaction, found through the time index, so the writer goes back to its
    // queue after a few milliseconds however much has expired.
    // A spool keeps what the shipper has not passed (migrations/0005), however old.
    const std::string shipped =
        retention_.only_shipped
            ? " AND id <= (SELECT IFNULL(MAX(after_id), 0) FROM shipping_cursors WHERE name = "
              "'clickhouse')"
            : "";
    const std::string expired = "id IN (SELECT id FROM events WHERE time_ms < ?" + shipped +
                                " LIMIT " + std::to_string(kRetentionSlice) + ")";
    const std::int64_t cutoff = util::unix_now_ms() - retention_.days * 86400 * 1000;
    Transaction tx(conn_->db);
    // The summary recomputes the hours of what goes (clicklog/summarizer.hpp).
    mark_hours_dirty(conn_->db, expired.c_str(), [&](Statement& s) { s.bind(1, cutoff); });
    Statement del(conn_->db, "DELETE FROM events WHERE " + expired);
    del.bind(1, cutoff);
    del.step();
    tx.commit();
    const auto n = sqlite3_changes(conn_->db.handle());
    stats_.retention_deleted.fetch_add(static_cast<std::uint64_t>(n));
    retention_run_ += static_cast<std::uint64_t>(n);
    if (n >= kRetentionSlice) return true;
  } catch (const DatabaseError& err) {
    spdlog::error("click log: retention delete failed: {}", err.what());
  }
  if (retention_run_ > 0)
    spdlog::info("click log: retention removed {} event(s) older than {} days", retention_run_,
                 retention_.days);
  retention_run_ = 0;
  return false;
}

void SqliteWriter::run() {
  const auto interval = std::chrono::milliseconds(store_.batch_interval_ms);
  const auto batch_max = static_cast<std::size_t>(store_.batch_max);
  const bool sync = store_.durability == config::Durability::sync;
  auto backoff = std::chrono::milliseconds(100);
  auto next_retention = std::chrono::steady_clock::now();
  bool retention_due = false;  // a retention pass is under way, one slice a loop
  // The whole queue is taken in one swap, so submitters wait on the lock for no longer than
  // that; it is then written batch_max events a transaction.
  std::vector<Pending> inbox;
  std::size_t next = 0;  // first event of inbox not yet committed
  int failures_while_stopping = 0;
  priority_.attach(!sync);
  std::size_t depth = 0;
  while (true) {
    bool stopping;
    if (next == inbox.size()) {
      inbox.clear();  // frees thousands of strings: outside the lock submitters take
      next = 0;
    }
    {
      std::unique_lock lock(mutex_);
      if (inbox.empty()) {
        // Batch mode gathers events for up to batch_interval_ms; sync mode writes at once and
        // lets events that arrive during a commit form the next group.
        wake_.wait_for(lock, interval, [&] {
          return stopping_ || retention_due || queue_.size() >= batch_max ||
                 (sync && !queue_.empty());
        });
        inbox.swap(queue_);
        taken_.store(inbox.size(), std::memory_order_relaxed);
      }
      depth = queue_.size() + (inbox.size() - next);
      stats_.queue_depth.store(depth, std::memory_order_relaxed);
      stopping = stopping_;
      if (stopping && depth == 0) break;
    }
    priority_.on_drained(depth, static_cast<std::size_t>(store_.queue_capacity));
    if (next < inbox.size()) {
      const std::size_t count = std::min(batch_max, inbox.size() - next);
      if (write(inbox.data() + next, count)) {
        next += count;
        taken_.store(inbox.size() - next, std::memory_order_relaxed);
        backoff = std::chrono::milliseconds(100);
      } else if (stopping && ++failures_while_stopping >= 5) {
        // The disk will not take them: count what is lost, loudly, rather than hang at exit.
        std::unique_lock lock(mutex_);
        for (auto* pending : {&inbox, &queue_}) {
          for (std::size_t i = pending == &inbox ? next : 0; i < pending->size(); ++i)
            if ((*pending)[i].on_durable) (*pending)[i].on_durable(false);
        }
        const std::size_t lost = (inbox.size() - next) + queue_.size();
        next = inbox.size();
        queue_.clear();
        stats_.dropped.fetch_add(lost);
        spdlog::critical("click log: {} event(s) could not be written before exit", lost);
      } else {
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      }
    }
    if (retention_.days > 0 && !stopping &&
        (retention_due || std::chrono::steady_clock::now() >= next_retention)) {
      retention_due = delete_expired_slice();
      if (!retention_due) next_retention = std::chrono::steady_clock::now() + std::chrono::hours(1);
    }
  }
}

}  // namespace linktrack::clicklog
