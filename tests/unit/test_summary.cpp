// The summary (clicklog/summarizer.hpp, summary_stats.hpp) against the stats read from every
// event: equal counts for every grouping, before and after re-scoring and forget change
// summarized hours, with the tail of unsummarized events; and the people sketch's accuracy.
#include <catch2/catch.hpp>

#include <random>

#include "clicklog/forget.hpp"
#include "clicklog/people_sketch.hpp"
#include "clicklog/stats.hpp"
#include "clicklog/summarizer.hpp"
#include "clicklog/summary_stats.hpp"
#include "test_helpers.hpp"

using namespace linktrack;

namespace {

constexpr std::int64_t kBase = 1764547200000;  // 2025-12-01T00:00:00Z

void fill(clicklog::Database& db, int n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  clicklog::Transaction tx(db);
  clicklog::Statement s(db,
                        "INSERT INTO events (time_ms, kind, host, campaign, link, destination, "
                        "recipient, client_ip, user_agent, key_id, verdict, reasons) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
  const char* kinds[] = {"click", "click", "open", "app"};
  const char* verdicts[] = {"human", "human", "human", "suspect", "bot", ""};
  const char* reasons[] = {"", "", "ua:curl", "net:apple ua:apple-mpp", "fast:2s"};
  for (int i = 0; i < n; ++i) {
    s.reset();
    s.bind(1, kBase + static_cast<std::int64_t>(rng() % (72 * 3600)) * 1000);
    const std::string kind = kinds[rng() % 4];
    s.bind(2, kind);
    s.bind(3, std::string(rng() % 5 ? "links.a.test" : "links.b.test"));
    const auto c = rng() % 6;
    s.bind(4, c == 5 ? std::optional<std::string>() : "c" + std::to_string(c));
    const auto link = "l" + std::to_string(rng() % 4);
    s.bind(5, kind == "open" ? std::optional<std::string>() : link);
    s.bind(6, kind == "open" ? std::optional<std::string>() : "https://x.test/" + link);
    s.bind(7, rng() % 10 ? "r" + std::to_string(rng() % 150) : std::optional<std::string>());
    s.bind(8, "198.51.100." + std::to_string(rng() % 20));
    s.bind(9, "UA " + std::to_string(rng() % 3));
    const std::string v = verdicts[rng() % 6];
    s.bind(10, v.empty() ? std::optional<std::string>() : v);
    s.bind(11, std::string(reasons[rng() % 5]));
    s.step();
  }
  tx.commit();
}

void check_equal(clicklog::Database& db) {
  using clicklog::GroupBy;
  for (auto by : {GroupBy::none, GroupBy::hour, GroupBy::day, GroupBy::campaign, GroupBy::link,
                  GroupBy::domain, GroupBy::verdict, GroupBy::reason}) {
    for (bool one_campaign : {false, true}) {
      clicklog::StatsQuery q;
      q.by = by;
      q.since_ms = kBase + 5 * 3600000;  // whole hours: both count the same events
      q.until_ms = kBase + 60 * 3600000;
      if (one_campaign) q.campaign = "c2";
      const auto summary = clicklog::query_summary(db, q);
      if (!summary) {
        CHECK(one_campaign);  // only a campaign with some groupings is refused
        continue;
      }
      const auto rows = clicklog::query_stats(db, q);
      INFO("by " << clicklog::to_string(by) << (one_campaign ? " campaign c2" : ""));
      REQUIRE(summary->rows.size() == rows.size());
      CHECK(summary->exact);
      const bool machines =
          by == GroupBy::verdict || by == GroupBy::reason || by == GroupBy::domain;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto &a = summary->rows[i], &b = rows[i];
        INFO("group " << b.group);
        CHECK(a.group == b.group);
        CHECK(a.clicks == b.clicks);
        CHECK(a.opens == b.opens);
        CHECK(a.suspect_clicks == b.suspect_clicks);
        CHECK(a.bot_clicks == b.bot_clicks);
        CHECK(a.suspect_opens == b.suspect_opens);
        CHECK(a.bot_opens == b.bot_opens);
        if (!machines || (by == GroupBy::verdict && b.group == "human")) {
          CHECK(a.unique_clicks == b.unique_clicks);
          CHECK(a.unique_opens == b.unique_opens);
        }
        if (by == GroupBy::link) CHECK(a.destination == b.destination);
      }
    }
  }
}

}  // namespace

TEST_CASE("summary: the same numbers as every event, as the log changes") {
  test::TempDir dir;
  clicklog::Database db(dir.file("s.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  fill(db, 3000, 7);
  check_equal(db);  // nothing summarized yet: all of it is the tail
  auto p = clicklog::summarize_step(db, 1000);
  CHECK(p.events == 1000);
  CHECK(p.newest_id == 3000);
  check_equal(db);  // part summarized, part tail
  while (clicklog::summarize_step(db, 1000).events > 0) {
  }
  CHECK(clicklog::summary_after_id(db) == 3000);
  check_equal(db);
  // Re-scoring: verdicts change on summarized events; their hours are recomputed.
  {
    clicklog::Transaction tx(db);
    clicklog::mark_hours_dirty(db, "id % 7 = 0", [](clicklog::Statement&) {});
    db.exec("UPDATE events SET verdict = 'bot', reasons = 'ua:x' WHERE id % 7 = 0");
    tx.commit();
  }
  p = clicklog::summarize_step(db, 1000, 1000);
  CHECK(p.hours_recomputed > 0);
  check_equal(db);
  // Forget: a recipient's events go, and with them the hash from every exact sketch.
  CHECK(clicklog::forget_recipient(db, "r7") > 0);
  while (clicklog::summarize_step(db, 1000, 1000).hours_recomputed > 0) {
  }
  check_equal(db);
  fill(db, 500, 8);  // and new events after all that
  clicklog::summarize_step(db, 200);
  check_equal(db);
}

TEST_CASE("people sketch: exact while small, then within a few percent") {
  clicklog::PeopleSketch s;
  for (std::uint64_t i = 0; i < 64; ++i) s.add(i * 0x9e3779b97f4a7c15ull);
  CHECK(s.exact());
  CHECK(s.estimate() == 64);
  auto copy = clicklog::PeopleSketch::parse(s.serialize());
  CHECK(copy.estimate() == 64);
  for (std::uint64_t n : {1000ull, 100000ull, 2000000ull}) {
    clicklog::PeopleSketch big;
    for (std::uint64_t i = 0; i < n; ++i) big.add(i * 1099511628211ull + 17);
    CHECK_FALSE(big.exact());
    const double error = std::abs(static_cast<double>(big.estimate()) - static_cast<double>(n)) / n;
    INFO(n << " people estimated as " << big.estimate());
    CHECK(error < 0.05);  // 1.6% standard error: 5% is three of them
    // Merging two halves is the sketch of the whole.
    clicklog::PeopleSketch a, b;
    for (std::uint64_t i = 0; i < n; ++i) (i % 2 ? a : b).add(i * 1099511628211ull + 17);
    a.merge(b);
    CHECK(a.estimate() == big.estimate());
    CHECK(clicklog::PeopleSketch::parse(big.serialize()).estimate() == big.estimate());
  }
  clicklog::PeopleSketch wide;
  wide.allow_exact_up_to(1 << 20);
  for (std::uint64_t i = 0; i < 5000; ++i) wide.add(i);
  CHECK(wide.exact());
  CHECK(wide.estimate() == 5000);
}
