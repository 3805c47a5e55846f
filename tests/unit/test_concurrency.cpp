// What runs on several threads at once: I/O threads submitting to the click writer's queue
// while it drains and commits, and I/O threads reading the config snapshot while a reload
// replaces it. Run under ThreadSanitizer by the test command (LINKTRACK_TSAN).
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "clicklog/database.hpp"
#include "clicklog/sqlite_writer.hpp"
#include "test_helpers.hpp"
#include "util/published.hpp"

using namespace linktrack;

namespace {

clicklog::ClickEvent click(int thread, int i) {
  clicklog::ClickEvent e;
  e.time_ms = 1790000000000 + i;
  e.host = "links.example.com";
  e.campaign = "c" + std::to_string(thread);
  e.recipient = std::to_string(i);
  e.destination = "https://example.com/";
  e.key_id = 1;
  return e;
}

}  // namespace

TEST_CASE("many threads submit while the writer commits: every event is written or counted",
          "[concurrency]") {
  for (auto durability : {config::Durability::batch, config::Durability::sync}) {
    test::TempDir dir;
    config::Store store;
    store.path = dir.file("clicks.db");
    store.batch_max = 64;
    store.batch_interval_ms = 2;
    store.queue_capacity = 256;  // small enough that some submissions find it full
    store.durability = durability;
    clicklog::WriterStats stats;
    std::atomic<std::uint64_t> durable{0}, refused{0}, accepted{0};
    {
      clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
      std::vector<std::thread> threads;
      for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
          for (int i = 0; i < 2000; ++i) {
            const bool ok = writer.submit(
                click(t, i), [&](bool committed) { (committed ? durable : refused).fetch_add(1); });
            if (ok) accepted.fetch_add(1);
          }
        });
      for (auto& th : threads) th.join();
      writer.stop();
    }
    CHECK(stats.submitted == 8000);
    CHECK(stats.written + stats.dropped == 8000);
    CHECK(accepted == stats.written);
    CHECK(durable == stats.written);
    CHECK(refused == stats.dropped);
    clicklog::Database db(store.path, clicklog::Database::Mode::read_only);
    clicklog::Statement count(db, "SELECT count(*) FROM events");
    count.step();
    CHECK(static_cast<std::uint64_t>(count.int64(0)) == stats.written);
  }
}

TEST_CASE("readers see whole snapshots while a reload replaces them", "[concurrency]") {
  struct Snapshot {
    int id;
    std::vector<int> items;  // id copies of id: a torn read would show
  };
  util::Published<Snapshot> published(std::make_shared<const Snapshot>(Snapshot{0, {}}));
  std::atomic<bool> done{false};
  std::atomic<int> started{0};
  std::atomic<std::uint64_t> refreshes{0}, torn{0};  // Catch's assertions are not thread-safe
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      std::uint64_t generation = ~std::uint64_t{0};
      std::shared_ptr<const Snapshot> view;
      int last = -1;
      started.fetch_add(1);
      do {
        if (published.refresh(generation, view)) refreshes.fetch_add(1);
        bool whole = view->items.size() == static_cast<std::size_t>(view->id);
        for (int v : view->items) whole = whole && v == view->id;
        if (!whole || view->id < last) torn.fetch_add(1);  // never older after newer
        last = view->id;
      } while (!done.load());
    });
  while (started.load() < 3) std::this_thread::yield();  // swaps happen while they read
  for (int id = 1; id <= 500; ++id)
    published.replace(std::make_shared<const Snapshot>(Snapshot{id, std::vector<int>(id, id)}));
  done = true;
  for (auto& th : readers) th.join();
  CHECK(torn == 0);
  CHECK(published.get()->id == 500);
  CHECK(refreshes >= 3);  // each reader's first look, at least
}
