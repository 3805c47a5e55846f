#include <catch2/catch.hpp>

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "classify/evidence.hpp"
#include "clicklog/database.hpp"
#include "clicklog/event_columns.hpp"
#include "clicklog/migrations.hpp"
#include "clicklog/rescorer.hpp"
#include "clicklog/sqlite_writer.hpp"
#include "clicklog/stats.hpp"
#include "clicklog/writer_priority.hpp"
#include "test_helpers.hpp"

using namespace linktrack;

namespace {

clicklog::ClickEvent event(int i) {
  clicklog::ClickEvent e;
  e.time_ms = 1790000000000 + i;
  e.host = "links.example.com";
  e.campaign = "c" + std::to_string(i % 3);
  e.recipient = std::to_string(i);
  e.destination = "https://example.com/" + std::to_string(i);
  e.key_id = 1;
  return e;
}

std::int64_t count_rows(const std::string& path) {
  clicklog::Database db(path, clicklog::Database::Mode::read_only);
  clicklog::Statement s(db, "SELECT count(*) FROM events");
  s.step();
  return s.int64(0);
}

}  // namespace

TEST_CASE("migrations run from an empty file and are idempotent") {
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  CHECK(clicklog::schema_version(db) == 0);
  // Every versioned migration, then a column for each field declared since the last of them.
  CHECK(clicklog::migrate(db) >= static_cast<int>(clicklog::embedded_migrations().size()));
  CHECK(clicklog::schema_version(db) == clicklog::latest_schema_version());
  CHECK(clicklog::migrate(db) == 0);
}

TEST_CASE("migrations run from every earlier version") {
  const auto& all = clicklog::embedded_migrations();
  for (std::size_t start = 0; start < all.size(); ++start) {
    test::TempDir dir;
    clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
    for (std::size_t i = 0; i < start; ++i) {
      db.exec(all[i].sql);
      db.exec("PRAGMA user_version = " + std::to_string(all[i].version));
    }
    CHECK(clicklog::migrate(db) >= static_cast<int>(all.size() - start));
    CHECK(clicklog::schema_version(db) == clicklog::latest_schema_version());
    CHECK(clicklog::migrate(db) == 0);
  }
}

TEST_CASE("upgrading a version-1 log keeps every row and id, and still checks kind") {
  const auto& all = clicklog::embedded_migrations();
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  db.exec(all[0].sql);
  db.exec("PRAGMA user_version = " + std::to_string(all[0].version));
  db.exec(
      "INSERT INTO events (id, time_ms, kind, host, recipient, key_id) VALUES "
      "(7, 1, 'click', 'h', 'r1', 1), (9, 2, 'open', 'h', 'r2', 1), (12, 3, 'app', 'h', NULL, 2)");
  clicklog::migrate(db);
  clicklog::Statement rows(db,
                           "SELECT group_concat(id || kind || ifnull(recipient, '-'), ' ') "
                           "FROM (SELECT * FROM events ORDER BY id)");
  rows.step();
  CHECK(rows.text(0) == "7clickr1 9openr2 12app-");
  CHECK_THROWS(db.exec("INSERT INTO events (time_ms, kind, host, key_id) VALUES (1, 'x', 'h', 1)"));
  clicklog::Statement indexes(
      db,
      "SELECT group_concat(name, ' ') FROM (SELECT name FROM "
      "sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name)");
  indexes.step();
  CHECK(indexes.text(0) == "events_campaign_time events_time");
}

TEST_CASE("the writer's inserts build no temporary b-tree") {
  // An IN list in a CHECK did: a temporary table built and dropped on every insert.
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  for (const std::size_t rows : clicklog::kInsertRows) {
    CAPTURE(rows);
    clicklog::Statement plan(db, "EXPLAIN " + clicklog::event_insert_sql(rows));
    int ops = 0, ephemeral = 0;
    while (plan.step()) {
      ++ops;
      ephemeral += plan.text(1) == "OpenEphemeral";
    }
    CHECK(ops > 10);
    CHECK(ephemeral == 0);
  }
}

TEST_CASE("a database newer than the binary is refused") {
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  db.exec("PRAGMA user_version = 999");
  CHECK_THROWS_WITH(clicklog::migrate(db), Catch::Contains("newer than this linktrack knows"));
}

TEST_CASE("N events in, N rows out, in batches") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.batch_max = 100;
  store.batch_interval_ms = 5;
  clicklog::WriterStats stats;
  {
    clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
    for (int i = 0; i < 1000; ++i) CHECK(writer.submit(event(i)));
    writer.stop();
  }
  CHECK(count_rows(store.path) == 1000);
  CHECK(stats.written == 1000);
  CHECK(stats.dropped == 0);
  CHECK(stats.batches >= 10);   // at most batch_max a transaction
  CHECK(stats.batches < 1000);  // and really batched
}

TEST_CASE("event ids are never reused, also after the newest events are forgotten") {
  // Readers that page by id (the API's cursor, the re-scorer) must not skip a reused id.
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.batch_interval_ms = 5;
  clicklog::WriterStats stats;
  auto max_id = [&] {
    clicklog::Database db(store.path, clicklog::Database::Mode::read_only);
    clicklog::Statement s(db, "SELECT coalesce(max(id), 0) FROM events");
    s.step();
    return s.int64(0);
  };
  {
    clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
    for (int i = 0; i < 10; ++i) writer.submit(event(i));
    writer.stop();
  }
  REQUIRE(max_id() == 10);
  {
    // Another connection writing between two batches (as the re-scorer does) must not stop the
    // writer: the numbering's read of the log is part of each batch's transaction only.
    clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
    writer.submit(event(100));
    for (int i = 0; i < 200 && stats.written < 11; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    {
      clicklog::Database other(store.path, clicklog::Database::Mode::read_write);
      other.exec("UPDATE events SET verdict = 'bot' WHERE id = 1");
    }
    writer.submit(event(101));
    writer.stop();
    CHECK(stats.write_errors == 0);
    CHECK(stats.written == 12);
  }
  {
    clicklog::Database db(store.path, clicklog::Database::Mode::read_write);
    db.exec("DELETE FROM events WHERE id > 10");
    CHECK(clicklog::forget_recipient(db, "9") == 1);
    CHECK(clicklog::forget_recipient(db, "8") == 1);
  }
  REQUIRE(max_id() == 8);
  {
    clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);  // a restart, too
    writer.submit(event(10));
    writer.stop();
  }
  CHECK(max_id() == 13);  // after the 12 ever given
}

TEST_CASE("a batch is written many rows a step, in order, numbered after every id ever given") {
  // 77 events: steps of every size in clicklog::kInsertRows (16, 4 and 1 rows).
  std::size_t rest = 77;
  for (const std::size_t rows : clicklog::kInsertRows) {
    REQUIRE(rest >= rows);
    rest %= rows;
  }
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.batch_max = 77;
  store.batch_interval_ms = 60000;  // the batch is taken when it is full, not on a timer
  clicklog::WriterStats stats;
  auto rows = [&] {
    clicklog::Database db(store.path, clicklog::Database::Mode::read_only);
    clicklog::Statement s(db, "SELECT id, recipient FROM events ORDER BY id");
    std::vector<std::pair<std::int64_t, std::string>> out;
    while (s.step()) out.emplace_back(s.int64(0), s.text(1));
    return out;
  };
  {
    clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
    for (int i = 0; i < 77; ++i) REQUIRE(writer.submit(event(i)));
    writer.stop();
  }
  CHECK(stats.batches == 1);
  auto first = rows();
  REQUIRE(first.size() == 77);
  for (int i = 0; i < 77; ++i) {
    CHECK(first[i].first == i + 1);
    CHECK(first[i].second == std::to_string(i));
  }
  {
    clicklog::Database db(store.path, clicklog::Database::Mode::read_write);
    db.exec("DELETE FROM events WHERE id > 70");  // the newest forgotten: the table's max is 70
  }
  {
    clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
    for (int i = 100; i < 177; ++i) REQUIRE(writer.submit(event(i)));
    writer.stop();
  }
  CHECK(stats.write_errors == 0);
  auto second = rows();
  REQUIRE(second.size() == 70 + 77);
  for (int i = 0; i < 77; ++i) {
    CHECK(second[70 + i].first == 77 + 1 + i);  // after the 77 ever given, not after 70
    CHECK(second[70 + i].second == std::to_string(100 + i));
  }
}

TEST_CASE("the writer raises a background thread whose write transaction it waits for") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.batch_interval_ms = 5;
  clicklog::WriterStats stats;
  clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
  clicklog::WriterPriority priority;  // as the re-scorer's and the summary's
  std::atomic<int> step{0};
  std::thread holder([&] {
    priority.attach(true);
    clicklog::Database db(store.path, clicklog::Database::Mode::read_write);
    {
      clicklog::WriteLockHolder holding(&priority);
      clicklog::Transaction tx(db);  // BEGIN IMMEDIATE: the log's write lock
      step = 1;
      while (step < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      tx.commit();
    }
  });
  while (step < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto policy = [&] {
    int p = -1;
    sched_param param{};
    pthread_getschedparam(holder.native_handle(), &p, &param);
    return p;
  };
  const int before = policy();
  REQUIRE(writer.submit(event(1)));
  int waited_for = before;
  for (int i = 0; i < 2000 && waited_for == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    waited_for = policy();
  }
  step = 2;
  holder.join();
  writer.stop();
  CHECK(stats.written == 1);
  CHECK(stats.write_errors == 0);
  if (priority.adaptive()) {
    CHECK(before == SCHED_IDLE);       // holding the lock alone raises nothing
    CHECK(waited_for == SCHED_OTHER);  // the writer waiting for it does
  }
}

TEST_CASE("a full queue drops and counts, and the redirect path never waits") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.queue_capacity = 10;
  store.batch_max = 10;
  store.batch_interval_ms = 60000;
  clicklog::WriterStats stats;
  clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
  // Hold the write lock from another connection so the writer cannot drain.
  clicklog::Database blocker(store.path, clicklog::Database::Mode::read_write);
  blocker.exec("BEGIN IMMEDIATE");
  int accepted = 0;
  for (int i = 0; i < 100; ++i) accepted += writer.submit(event(i));
  CHECK(accepted == 10);  // queued and taken-but-uncommitted events both count
  CHECK(stats.dropped == static_cast<std::uint64_t>(100 - accepted));
  blocker.exec("COMMIT");
  writer.stop();
  CHECK(count_rows(store.path) == accepted);
}

TEST_CASE("sync durability reports each event once it is committed") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.durability = config::Durability::sync;
  clicklog::WriterStats stats;
  clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
  std::atomic<int> durable{0};
  for (int i = 0; i < 50; ++i)
    writer.submit(event(i), [&](bool ok) {
      if (ok) ++durable;
    });
  for (int i = 0; i < 200 && durable < 50; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(durable == 50);
  CHECK(count_rows(store.path) == 50);
}

TEST_CASE("retention deletes old events off the request path") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  const clicklog::Retention retention{30, false};
  {
    clicklog::Database db(store.path, clicklog::Database::Mode::read_write);
    clicklog::migrate(db);
    db.exec("INSERT INTO events (time_ms, kind, host, key_id) VALUES (1000, 'click', 'h', 1)");
    db.exec(
        "INSERT INTO events (time_ms, kind, host, key_id) VALUES (strftime('%s','now')*1000, "
        "'click', 'h', 1)");
  }
  clicklog::WriterStats stats;
  clicklog::SqliteWriter writer(store, retention, stats);
  for (int i = 0; i < 100 && stats.retention_deleted == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  writer.stop();
  CHECK(stats.retention_deleted == 1);
  CHECK(count_rows(store.path) == 1);
}

TEST_CASE("a failing write is reported, retried with back-off, and loses nothing") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.busy_timeout_ms = 20;
  store.batch_interval_ms = 5;
  clicklog::WriterStats stats;
  clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
  {
    // Another connection holds the write lock far longer than the writer waits for it.
    clicklog::Database blocker(store.path, clicklog::Database::Mode::read_write);
    blocker.exec("BEGIN IMMEDIATE");
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i) CHECK(writer.submit(event(i)));
    // Submitting never waits on the database.
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(50));
    for (int i = 0; i < 100 && stats.write_errors < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(stats.write_errors >= 2);  // failed, and tried again
    CHECK(stats.written == 0);
    blocker.exec("ROLLBACK");
  }
  writer.stop();
  CHECK(stats.written == 50);
  CHECK(stats.dropped == 0);
  CHECK(count_rows(store.path) == 50);
}

TEST_CASE("a spool's retention deletes only what has been shipped") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  {
    clicklog::Database db(store.path, clicklog::Database::Mode::read_write);
    clicklog::migrate(db);
    // Four expired events; the shipper has passed the first two.
    for (int i = 0; i < 4; ++i)
      db.exec("INSERT INTO events (time_ms, kind, host, key_id) VALUES (1000, 'click', 'h', 1)");
    db.exec("INSERT INTO shipping_cursors (name, after_id) VALUES ('clickhouse', 2)");
  }
  clicklog::WriterStats stats;
  {
    clicklog::SqliteWriter writer(store, clicklog::Retention{30, true}, stats);
    for (int i = 0; i < 100 && stats.retention_deleted == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    writer.stop();
  }
  CHECK(stats.retention_deleted == 2);
  clicklog::Database db(store.path, clicklog::Database::Mode::read_only);
  clicklog::Statement left(db, "SELECT group_concat(id) FROM events");
  REQUIRE(left.step());
  CHECK(left.text(0) == "3,4");
}

TEST_CASE("the spool's retention follows keep_local_days and privacy.retention_days") {
  config::Config c;
  CHECK(clicklog::spool_retention(c).days == 0);
  CHECK_FALSE(clicklog::spool_retention(c).only_shipped);
  c.privacy.retention_days = 90;
  c.analytics.clickhouse.emplace();
  CHECK(clicklog::spool_retention(c).days == 90);
  CHECK(clicklog::spool_retention(c).only_shipped);
  c.analytics.clickhouse->keep_local_days = 7;
  CHECK(clicklog::spool_retention(c).days == 7);
  c.privacy.retention_days = 0;
  CHECK(clicklog::spool_retention(c).days == 7);
  c.privacy.retention_days = 3;
  CHECK(clicklog::spool_retention(c).days == 3);
}

TEST_CASE("retention deletes in slices, and events are written between them") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.batch_interval_ms = 5;
  const clicklog::Retention retention{30, false};
  constexpr int kExpired = 60000;  // many slices
  {
    clicklog::Database db(store.path, clicklog::Database::Mode::read_write);
    clicklog::migrate(db);
    db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
            std::to_string(kExpired) +
            ") INSERT INTO events (time_ms, kind, host, key_id) SELECT i, 'click', 'h', 1 FROM n");
  }
  clicklog::WriterStats stats;
  clicklog::SqliteWriter writer(store, retention, stats);
  for (int i = 0; i < 500 && stats.retention_deleted == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // A pass is under way: an event submitted now is committed before it ends, not after one
  // statement that deletes everything.
  std::atomic<std::uint64_t> deleted_at_commit{0};
  std::atomic<bool> done{false};
  auto fresh = event(1);
  fresh.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  writer.submit(std::move(fresh), [&](bool) {
    deleted_at_commit = stats.retention_deleted.load();
    done = true;
  });
  // The writer runs at idle priority while its queue is short, so on a busy machine the pass
  // takes as long as the other work leaves room for: a generous deadline, not a fixed count.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  while (stats.retention_deleted < kExpired && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  writer.stop();
  REQUIRE(done);
  CHECK(deleted_at_commit < static_cast<std::uint64_t>(kExpired));
  CHECK(stats.retention_deleted == static_cast<std::uint64_t>(kExpired));
  CHECK(count_rows(store.path) == 1);
}

TEST_CASE("a log deleted under the writer is noticed, reported and written anew") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.batch_interval_ms = 5;
  clicklog::WriterStats stats;
  clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
  writer.submit(event(1));
  for (int i = 0; i < 200 && stats.written < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(store.path + suffix);
  for (int i = 2; i < 12; ++i) writer.submit(event(i));
  for (int i = 0; i < 200 && stats.written < 11; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  writer.stop();
  CHECK(stats.reopens == 1);
  CHECK(stats.write_errors == 1);
  CHECK(stats.dropped == 0);
  CHECK(count_rows(store.path) == 10);  // every event after the deletion is in the new file
}

TEST_CASE("a new log and its WAL are readable by the service alone") {
  test::TempDir dir;
  const auto path = dir.file("private/clicks.db");
  clicklog::Database db(path, clicklog::Database::Mode::read_write);
  db.exec("PRAGMA journal_mode=WAL");
  clicklog::migrate(db);
  for (const char* suffix : {"", "-wal", "-shm"})
    CHECK((std::filesystem::status(path + suffix).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
}

TEST_CASE("the event column list and the migrated table agree, column for column") {
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  clicklog::Statement info(db, "SELECT name FROM pragma_table_info('events') WHERE name != 'id'");
  std::vector<std::string> table, listed;
  while (info.step()) table.push_back(info.text(0));
  for (const auto& c : clicklog::kEventColumns) listed.emplace_back(c.name);
  CHECK(table == listed);
  const auto values =
      clicklog::event_insert_sql().substr(clicklog::event_insert_sql().find("VALUES"));
  CHECK(static_cast<std::size_t>(std::count(values.begin(), values.end(), '?')) ==
        listed.size() + 1);  // and the id
}

TEST_CASE("a field declared after the table was made gets its column from migrate") {
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  // As a database made before the newest declared field: drop that column again.
  const std::string newest = clicklog::kEventColumns.back().name;
  db.exec("ALTER TABLE events DROP COLUMN " + newest);
  CHECK(clicklog::add_declared_columns(db) == 1);
  CHECK(clicklog::add_declared_columns(db) == 0);
  clicklog::Statement info(
      db, "SELECT type FROM pragma_table_info('events') WHERE name = '" + newest + "'");
  REQUIRE(info.step());
  CHECK(std::string(clicklog::kEventColumns.back().sql_type).starts_with(info.text(0)));
}

TEST_CASE(
    "the re-scorer follows the log while the writer writes: bursts and honeypots reach "
    "earlier clicks, nothing is lost, and a second pass changes nothing") {
  test::TempDir dir;
  config::Store store;
  store.path = dir.file("clicks.db");
  store.batch_max = 64;
  store.batch_interval_ms = 1;
  clicklog::WriterStats stats;
  clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
  // No lists: only message evidence can flag these browser-looking clicks.
  auto classifier = std::make_shared<const classify::Classifier>(config::BotRules{});
  std::atomic<bool> done{false};
  std::int64_t changed = 0;
  std::thread follower([&] {
    clicklog::Database db(store.path, clicklog::Database::Mode::read_write);
    clicklog::Rescorer r(db, classifier, 0, clicklog::Rescorer::Scope::message_events);
    while (!done.load()) {
      r.step(128);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    while (r.step(128) > 0) {
    }
    changed = r.stats().changed;
  });
  // 200 messages: even ones are a scanner walking 4 links and a honeypot within a second; odd
  // ones a person clicking one link.
  constexpr int kMessages = 200;
  for (int m = 0; m < kMessages; ++m) {
    const int links = m % 2 ? 1 : 5;
    for (int l = 0; l < links; ++l) {
      clicklog::ClickEvent e = event(m * 10 + l);
      e.time_ms = 1790000000000 + m * 60000 + l * 100;
      e.message = "m" + std::to_string(m);
      e.link = l == 4 ? std::nullopt : std::optional<std::string>(std::to_string(l));
      e.client_ip = "203.0.113." + std::to_string(m % 250);
      e.user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36";
      e.evidence = classify::evidence::accept | classify::evidence::accept_language |
                   (l == 4 ? classify::evidence::honeypot : 0);
      e.verdict = l == 4 ? classify::Verdict::bot : classify::Verdict::human;
      e.reasons = l == 4 ? "honeypot" : "";
      while (!writer.submit(clicklog::ClickEvent(e)))
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  writer.stop();
  done = true;
  follower.join();
  CHECK(count_rows(store.path) == kMessages / 2 * 5 + kMessages / 2);
  clicklog::Database db(store.path, clicklog::Database::Mode::read_write);
  clicklog::Statement verdicts(
      db,
      "SELECT CAST(substr(message, 2) AS INTEGER) % 2, verdict, count(*) FROM events "
      "GROUP BY 1, 2 ORDER BY 1, 2");
  std::vector<std::string> seen;
  while (verdicts.step())
    seen.push_back(std::to_string(verdicts.int64(0)) + " " + verdicts.text(1) + " " +
                   std::to_string(verdicts.int64(2)));
  // Scanners' messages: every click a bot (honeypot, burst); people's: all human.
  CHECK(seen == std::vector<std::string>{"0 bot 500", "1 human 100"});
  CHECK(changed >= kMessages / 2 * 4);  // each of a scanner's clicks, maybe more than once
  clicklog::Rescorer again(db, classifier, 0, clicklog::Rescorer::Scope::all_events);
  while (again.step() > 0) {
  }
  CHECK(again.stats().changed == 0);
  CHECK(again.stats().examined == kMessages / 2 * 5 + kMessages / 2);
}
