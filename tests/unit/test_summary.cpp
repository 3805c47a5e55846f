// The summary (clicklog/summarizer.hpp, summary_stats.hpp) against the stats read from every
// event: equal counts for every grouping, before and after re-scoring and forget change
// summarized hours, with the tail of unsummarized events; and the people sketch's accuracy.
#include <catch2/catch.hpp>

#include <random>

#include "clicklog/forget.hpp"
#include "clicklog/migrations.hpp"
#include "clicklog/people_sketch.hpp"
#include "clicklog/person.hpp"
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
    // A link's destination may change during a campaign: its first one (in time) is reported.
    s.bind(6, kind == "open" ? std::optional<std::string>()
                             : "https://x.test/" + link + "?v=" + std::to_string(rng() % 3));
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

void check_same(const std::vector<clicklog::StatsRow>& a, const std::vector<clicklog::StatsRow>& b,
                bool people, bool destinations) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < b.size(); ++i) {
    INFO("group " << b[i].group);
    CHECK(a[i].group == b[i].group);
    CHECK(a[i].clicks == b[i].clicks);
    CHECK(a[i].opens == b[i].opens);
    CHECK(a[i].suspect_clicks == b[i].suspect_clicks);
    CHECK(a[i].bot_clicks == b[i].bot_clicks);
    CHECK(a[i].suspect_opens == b[i].suspect_opens);
    CHECK(a[i].bot_opens == b[i].bot_opens);
    if (people) {
      CHECK(a[i].unique_clicks == b[i].unique_clicks);
      CHECK(a[i].unique_opens == b[i].unique_opens);
      CHECK(a[i].click_to_open == b[i].click_to_open);
    }
    if (destinations) CHECK(a[i].destination == b[i].destination);
  }
}

constexpr clicklog::GroupBy kAllGroupings[] = {
    clicklog::GroupBy::none,     clicklog::GroupBy::hour,  clicklog::GroupBy::day,
    clicklog::GroupBy::campaign, clicklog::GroupBy::link,  clicklog::GroupBy::domain,
    clicklog::GroupBy::verdict,  clicklog::GroupBy::reason};

// What a query narrows to: nothing, one campaign or one domain.
enum class Filter { none, campaign, host };
constexpr Filter kFilters[] = {Filter::none, Filter::campaign, Filter::host};
const char* name(Filter f) {
  return f == Filter::campaign ? " campaign c2" : f == Filter::host ? " host links.a.test" : "";
}

clicklog::StatsQuery whole_hours(clicklog::GroupBy by, Filter filter) {
  clicklog::StatsQuery q;
  q.by = by;
  q.since_ms = kBase + 5 * 3600000;  // whole hours: both count the same events
  q.until_ms = kBase + 60 * 3600000;
  if (filter == Filter::campaign) q.campaign = "c2";
  if (filter == Filter::host) q.host = "links.a.test";
  return q;
}

// The groupings the summary answers exactly (it keeps their people), by filter.
bool summary_exact_for(clicklog::GroupBy by, Filter filter) {
  using clicklog::GroupBy;
  const bool by_time = by == GroupBy::none || by == GroupBy::hour || by == GroupBy::day;
  switch (filter) {
    case Filter::none:
      return by_time || by == GroupBy::campaign || by == GroupBy::domain;
    case Filter::campaign:
      return by_time || by == GroupBy::link;
    case Filter::host:
      return by_time || by == GroupBy::domain;
  }
  return false;
}

// Exact answers from the summary equal every event's, to the last person, whenever the summary
// gives one; and query_stats equals the scan whichever way it went. `summary_answers`: false
// when so many hours await recomputing that reading every event is the quicker way (except
// within one hour, which is read from the log either way).
void check_exact(clicklog::Database& db, bool summary_answers = true) {
  for (auto by : kAllGroupings) {
    for (auto filter : kFilters) {
      for (int range = 0; range < 4; ++range) {
        auto q = whole_hours(by, filter);
        if (range == 1) q.since_ms = q.until_ms = std::nullopt;  // the whole log
        if (range == 2) {  // part hours at both ends: read from the log, the rest stored
          *q.since_ms += 1234567;
          *q.until_ms -= 7654321;
        }
        if (range == 3) {  // within one hour
          q.since_ms = kBase + 10 * 3600000 + 100000;
          q.until_ms = kBase + 10 * 3600000 + 2000000;
        }
        INFO("by " << clicklog::to_string(by) << name(filter) << " range " << range);
        const auto rows = clicklog::scan_stats(db, q);
        const auto exact = clicklog::query_summary(db, q, clicklog::Precision::exact);
        CHECK(exact.has_value() ==
              ((summary_answers || range == 3) && summary_exact_for(by, filter)));
        if (exact) {
          CHECK(exact->exact);
          check_same(exact->rows, rows, true, true);
        }
        check_same(clicklog::query_stats(db, q), rows, true, true);
      }
    }
  }
}

// The estimating summary once it has caught up: every count, and people where it keeps them.
void check_equal(clicklog::Database& db) {
  using clicklog::GroupBy;
  for (auto by : kAllGroupings) {
    for (auto filter : kFilters) {
      const auto q = whole_hours(by, filter);
      const auto summary = clicklog::query_summary(db, q);
      INFO("by " << clicklog::to_string(by) << name(filter));
      if (!summary) {
        CHECK(filter != Filter::none);  // only a campaign or a domain with some groupings
        continue;
      }
      const auto rows = clicklog::scan_stats(db, q);
      CHECK(summary->exact);
      const bool machines = by == GroupBy::verdict || by == GroupBy::reason;
      check_same(summary->rows, rows, !machines, false);
      if (by == GroupBy::verdict)
        for (std::size_t i = 0; i < rows.size() && i < summary->rows.size(); ++i)
          if (rows[i].group == "human") {
            CHECK(summary->rows[i].unique_clicks == rows[i].unique_clicks);
            CHECK(summary->rows[i].unique_opens == rows[i].unique_opens);
          }
    }
  }
  check_exact(db);
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
  // Re-scoring: verdicts change on summarized events; their hours are recomputed. Before
  // that, exact answers read those hours from their events; with most hours changed, exact
  // answers come from every event.
  const auto rescore = [&](const std::string& which) {
    clicklog::Transaction tx(db);
    clicklog::mark_hours_dirty(db, which.c_str(), [](clicklog::Statement&) {});
    db.exec("UPDATE events SET verdict = 'bot', reasons = 'ua:x' WHERE " + which);
    tx.commit();
  };
  rescore("id % 7 = 0 AND time_ms < " + std::to_string(kBase + 20 * 3600000));
  check_exact(db);
  rescore("id % 7 = 0");
  check_exact(db, false);
  p = clicklog::summarize_step(db, 1000, 1000);
  CHECK(p.hours_recomputed > 0);
  check_equal(db);
  // Forget: a recipient's events go, and with them the hash from every exact sketch.
  CHECK(clicklog::forget_recipient(db, "r7") > 0);
  check_exact(db);
  while (clicklog::summarize_step(db, 1000, 1000).hours_recomputed > 0) {
  }
  check_equal(db);
  fill(db, 500, 8);  // and new events after all that
  clicklog::summarize_step(db, 200);
  check_equal(db);
}

TEST_CASE("people sketch: exact unless told it may estimate, then within a few percent") {
  clicklog::PeopleSketch s;
  for (std::uint64_t i = 0; i < 300000; ++i) s.add((i % 100000) * 0x9e3779b97f4a7c15ull);
  CHECK(s.exact());
  CHECK(s.estimate() == 100000);
  auto copy = clicklog::PeopleSketch::parse(s.serialize());
  CHECK(copy.exact());
  CHECK(copy.estimate() == 100000);
  for (std::uint64_t n : {1000ull, 100000ull, 2000000ull}) {
    clicklog::PeopleSketch big;
    big.allow_exact_up_to(64);
    for (std::uint64_t i = 0; i < n; ++i) big.add(i * 1099511628211ull + 17);
    CHECK_FALSE(big.exact());
    const double error = std::abs(static_cast<double>(big.estimate()) - static_cast<double>(n)) / n;
    INFO(n << " people estimated as " << big.estimate());
    CHECK(error < 0.05);  // 1.6% standard error: 5% is three of them
    // Merging two halves is the sketch of the whole.
    clicklog::PeopleSketch a, b;
    a.allow_exact_up_to(64);
    b.allow_exact_up_to(64);
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

TEST_CASE("summary: a busy hour summarized in many small steps keeps a few exact parts") {
  test::TempDir dir;
  clicklog::Database db(dir.file("busy.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  {  // 20,000 clicks in one hour by 15,000 people: far beyond what the old sketches held
    clicklog::Transaction tx(db);
    clicklog::Statement s(db,
                          "INSERT INTO events (time_ms, kind, host, campaign, link, recipient, "
                          "key_id, verdict) VALUES (?, ?, 'h', 'spring', 'l1', ?, 1, 'human')");
    for (int i = 0; i < 20000; ++i) {
      s.reset();
      s.bind(1, kBase + i * 100);
      s.bind(2, std::string(i % 4 ? "click" : "open"));
      s.bind(3, "r" + std::to_string(i * 7919 % 15000));
      s.step();
    }
    tx.commit();
  }
  int steps = 0;
  while (clicklog::summarize_step(db, 97).events > 0) ++steps;
  CHECK(steps == 207);
  clicklog::Statement parts(
      db,
      "SELECT dimension, max(n), sum(n) FROM (SELECT dimension, count(*) AS n "
      "FROM summary_people GROUP BY dimension, hour, value) GROUP BY "
      "dimension ORDER BY dimension");
  int dimensions = 0;
  while (parts.step()) {
    INFO(parts.text(0) << ": at most " << parts.int64(1) << " parts");
    CHECK(parts.int64(1) <= 9);  // log2 of 207 steps, not one a step
    ++dimensions;
  }
  CHECK(dimensions == 4);  // all, campaign, host, link
  clicklog::StatsQuery q;
  const auto exact = clicklog::query_summary(db, q, clicklog::Precision::exact);
  REQUIRE(exact);
  REQUIRE(exact->rows.size() == 1);
  CHECK(exact->rows[0].clicks == 15000);
  CHECK(exact->rows[0].unique_clicks == 11250);  // i % 4 != 0, below 15,000
  CHECK(exact->rows[0].unique_opens == 3750);    // i % 4 == 0: multiples of 4 mod 15000
  check_same(exact->rows, clicklog::scan_stats(db, q), true, false);
  // The estimating summary of the same reads the large parts' registers: exact counts, and
  // people as the registers of them all would count them.
  clicklog::Statement registers(
      db, "SELECT count(*) FROM summary_people WHERE clicker_registers IS NOT NULL");
  registers.step();
  CHECK(registers.int64(0) > 0);
  const auto estimate = clicklog::query_summary(db, q);
  REQUIRE(estimate);
  CHECK_FALSE(estimate->exact);
  CHECK(estimate->rows[0].clicks == 15000);
  clicklog::PeopleSketch clickers;
  clickers.allow_exact_up_to(0);
  for (int i = 0; i < 15000; ++i)
    if (i % 4)
      clickers.add(clicklog::person_hash("r" + std::to_string(i * 7919 % 15000), true, {}, {}));
  CHECK(estimate->rows[0].unique_clicks == clickers.estimate());
  CHECK(std::abs(estimate->rows[0].unique_clicks - 11250) < 600);
}

TEST_CASE("summary: upgrading keeps the stored people as a first part, every hour recomputed") {
  test::TempDir dir;
  clicklog::Database db(dir.file("old.db"), clicklog::Database::Mode::read_write);
  for (const auto& m : clicklog::embedded_migrations()) {
    if (m.version > 6) break;
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
  }
  clicklog::add_declared_columns(db);
  // Hour 10: a group of a few (stored exactly); hour 11: a crowd (stored as registers); hour
  // 12: counts only. Every hour is recomputed: estimates become exact, domains get people.
  db.exec(
      "INSERT INTO summary_hours (dimension, hour, value, clicks) VALUES ('all', 10, '', 2), "
      "('all', 11, '', 900), ('host', 12, 'h', 1)");
  db.exec(
      "INSERT INTO summary_people (dimension, hour, value, clickers, openers) VALUES "
      "('all', 10, '', CAST(X'530100000000000000' || X'0200000000000000' AS BLOB), NULL), "
      "('all', 11, '', CAST(X'44' || zeroblob(4096) AS BLOB), NULL)");
  CHECK(clicklog::migrate(db) >= 1);
  clicklog::Statement rows(db, "SELECT group_concat(hour || ':' || part, ' ') FROM summary_people");
  rows.step();
  CHECK(rows.text(0) == "10:0 11:0");
  clicklog::Statement dirty(db, "SELECT group_concat(hour, ' ') FROM summary_dirty");
  dirty.step();
  CHECK(dirty.text(0) == "10 11 12");
}
