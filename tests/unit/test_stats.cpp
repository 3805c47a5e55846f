#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <random>
#include <set>
#include <sstream>

#include "clicklog/distinct_count.hpp"
#include "clicklog/export.hpp"
#include "clicklog/stats.hpp"
#include "test_helpers.hpp"

using namespace linktrack;

namespace {

// Hand-counted fixture, campaign "c1" on 2026-09-21 and 2026-09-22 (UTC):
//   recipient 1: opens twice, clicks link 1 twice and link 2 once (once in the app)
//   recipient 2: opens once, clicks link 1 once
//   recipient 3: opens once, no click
//   anonymous (no recipient): two clicks on link 2 from one IP+UA, one from another IP
//   campaign "c2": recipient 1 clicks link 1 once; one open
void fill(clicklog::Database& db) {
  clicklog::migrate(db);
  const char* rows[][5] = {
      // day, kind, campaign, recipient, link / ip|ua
      {"2026-09-21", "open", "c1", "1", ""},   {"2026-09-21", "open", "c1", "1", ""},
      {"2026-09-21", "click", "c1", "1", "1"}, {"2026-09-22", "click", "c1", "1", "1"},
      {"2026-09-22", "app", "c1", "1", "2"},   {"2026-09-21", "open", "c1", "2", ""},
      {"2026-09-21", "click", "c1", "2", "1"}, {"2026-09-22", "open", "c1", "3", ""},
      {"2026-09-22", "click", "c1", "", "2"},  {"2026-09-22", "click", "c1", "", "2"},
      {"2026-09-22", "click", "c1", "", "2"},  {"2026-09-22", "click", "c2", "1", "1"},
      {"2026-09-22", "open", "c2", "1", ""}};
  int n = 0;
  for (auto& r : rows) {
    clicklog::Statement s(db,
                          "INSERT INTO events (time_ms, kind, host, campaign, recipient, link, "
                          "client_ip, user_agent, key_id) VALUES "
                          "((strftime('%s', ?) + ?) * 1000, ?, 'h', ?, ?, ?, ?, 'UA', 1)");
    s.bind(1, std::string(r[0]));
    s.bind(2, std::int64_t{n++});
    s.bind(3, std::string(r[1]));
    s.bind(4, std::string(r[2]));
    s.bind(5, *r[3] ? std::optional<std::string>(r[3]) : std::nullopt);
    s.bind(6, *r[4] ? std::optional<std::string>(r[4]) : std::nullopt);
    // The third anonymous click comes from another address.
    s.bind(7, std::string(n == 11 ? "198.51.100.2" : "198.51.100.1"));
    s.step();
  }
}

}  // namespace

TEST_CASE("stats equal the hand-counted fixture") {
  test::TempDir dir;
  clicklog::Database db(dir.file("s.db"), clicklog::Database::Mode::read_write);
  fill(db);
  clicklog::StatsQuery q;
  q.campaign = "c1";
  auto total = clicklog::query_stats(db, q);
  REQUIRE(total.size() == 1);
  CHECK(total[0].clicks == 7);         // 3 + 1 + 3 anonymous
  CHECK(total[0].unique_clicks == 4);  // recipients 1, 2 and two anonymous IP+UA pairs
  CHECK(total[0].opens == 4);
  CHECK(total[0].unique_opens == 3);
  CHECK(*total[0].click_to_open == Approx(4.0 / 3.0));

  q.by = clicklog::GroupBy::link;
  auto by_link = clicklog::query_stats(db, q);
  REQUIRE(by_link.size() == 3);  // (none) for opens, 1, 2
  CHECK(by_link[1].group == "1");
  CHECK(by_link[1].clicks == 3);
  CHECK(by_link[1].unique_clicks == 2);
  CHECK(by_link[2].group == "2");
  CHECK(by_link[2].clicks == 4);
  CHECK(by_link[2].unique_clicks == 3);

  q.by = clicklog::GroupBy::day;
  auto by_day = clicklog::query_stats(db, q);
  REQUIRE(by_day.size() == 2);
  CHECK(by_day[0].group == "2026-09-21");
  CHECK(by_day[0].clicks == 2);
  CHECK(by_day[0].opens == 3);

  q.by = clicklog::GroupBy::hour;  // every row of the fixture is in its day's first hour
  auto by_hour = clicklog::query_stats(db, q);
  REQUIRE(by_hour.size() == 2);
  CHECK(by_hour[0].group == "2026-09-21T00");
  CHECK(by_hour[1].group == "2026-09-22T00");
  CHECK(by_hour[1].clicks == 5);

  q.by = clicklog::GroupBy::user_agent;
  auto by_agent = clicklog::query_stats(db, q);
  REQUIRE(by_agent.size() == 1);
  CHECK(by_agent[0].group == "UA");
  CHECK(by_agent[0].clicks == 7);

  clicklog::StatsQuery all;
  all.by = clicklog::GroupBy::campaign;
  auto by_campaign = clicklog::query_stats(db, all);
  REQUIRE(by_campaign.size() == 2);
  CHECK(by_campaign[1].group == "c2");
  CHECK(by_campaign[1].clicks == 1);
  CHECK(*by_campaign[1].click_to_open == Approx(1.0));
}

TEST_CASE("stats by link name the link's destination") {
  test::TempDir dir;
  clicklog::Database db(dir.file("s.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  db.exec(
      "INSERT INTO events (time_ms, kind, host, campaign, link, destination, key_id) VALUES "
      "(1, 'open', 'h', 'c', NULL, NULL, 1), (2, 'click', 'h', 'c', 'a', 'https://a.example/', 1),"
      "(3, 'click', 'h', 'c', 'b', NULL, 1)");
  clicklog::StatsQuery q;
  q.by = clicklog::GroupBy::link;
  auto rows = clicklog::query_stats(db, q);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].group == "(none)");
  CHECK_FALSE(rows[0].destination);
  CHECK(rows[1].destination == "https://a.example/");
  CHECK_FALSE(rows[2].destination);
  const auto json =
      nlohmann::json::parse(clicklog::format_stats(rows, q.by, clicklog::StatsFormat::json));
  CHECK(json[1]["destination"] == "https://a.example/");
  CHECK(json[2]["destination"].is_null());
}

TEST_CASE("stats in table, json and csv") {
  test::TempDir dir;
  clicklog::Database db(dir.file("s.db"), clicklog::Database::Mode::read_write);
  fill(db);
  clicklog::StatsQuery q;
  q.by = clicklog::GroupBy::campaign;
  auto rows = clicklog::query_stats(db, q);
  auto csv = clicklog::format_stats(rows, q.by, clicklog::StatsFormat::csv);
  CHECK(csv ==
        "campaign,clicks,unique_clicks,opens,unique_opens,click_to_open_rate,suspect_clicks,"
        "bot_clicks,suspect_opens,bot_opens\n"
        "c1,7,4,4,3,1.3333,0,0,0,0\n"
        "c2,1,1,1,1,1.0000,0,0,0,0\n");
  auto json = clicklog::format_stats(rows, q.by, clicklog::StatsFormat::json);
  CHECK(json.find("\"campaign\": \"c2\"") != std::string::npos);
  CHECK(json.find("\"unique_clicks\": 4") != std::string::npos);
  auto table = clicklog::format_stats(rows, q.by, clicklog::StatsFormat::table);
  CHECK(table.find("c1") != std::string::npos);
  CHECK(table.find("133.3%") != std::string::npos);
}

TEST_CASE("forget removes exactly one recipient's rows") {
  test::TempDir dir;
  clicklog::Database db(dir.file("s.db"), clicklog::Database::Mode::read_write);
  fill(db);
  CHECK(clicklog::forget_recipient(db, "1") == 7);
  clicklog::Statement s(db, "SELECT count(*), count(recipient = '1' OR NULL) FROM events");
  s.step();
  CHECK(s.int64(0) == 6);
  CHECK(s.int64(1) == 0);
  CHECK(clicklog::forget_recipient(db, "nobody") == 0);
}

TEST_CASE("forget finds a recipient's rows in every rowid slice, sparse ids included") {
  test::TempDir dir;
  clicklog::Database db(dir.file("s.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  // 200,000 rows starting at id 50,000 (as after retention), the recipient in three slices.
  db.exec(
      "WITH RECURSIVE n(i) AS (SELECT 50000 UNION ALL SELECT i + 1 FROM n WHERE i < 249999) "
      "INSERT INTO events (id, time_ms, kind, host, recipient, key_id) "
      "SELECT i, i, 'click', 'h', CASE WHEN i IN (50000, 170001, 249999) THEN 'r' ELSE 'x' END, 1 "
      "FROM n");
  CHECK(clicklog::forget_recipient(db, "r") == 3);
  clicklog::Statement s(db, "SELECT count(*) FROM events");
  s.step();
  CHECK(s.int64(0) == 200000 - 3);
}

TEST_CASE("export: NDJSON any JSON parser reads back, whatever bytes clients sent") {
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  const std::string ua = std::string("q\"b\\s\nn\x01 caf\xc3\xa9 ") + "\xff";
  clicklog::Statement ins(db,
                          "INSERT INTO events (time_ms, kind, host, key_id, user_agent, reasons, "
                          "verdict) VALUES (1790000000123, 'click', 'h', 1, ?, 'ua:x fast:2s', "
                          "'bot')");
  ins.bind(1, ua);
  ins.step();
  std::ostringstream out;
  CHECK(clicklog::export_events(db, {}, clicklog::ExportFormat::ndjson, out).events == 1);
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["time"] == "2026-09-21T14:13:20.123Z");
  CHECK(j["user_agent"] == "q\"b\\s\nn\x01 caf\xc3\xa9 \xef\xbf\xbd");  // U+FFFD for the bad byte
  CHECK(j["reasons"] == nlohmann::json::array({"ua:x", "fast:2s"}));
  CHECK(j["campaign"].is_null());
  std::ostringstream csv;
  clicklog::export_events(db, {}, clicklog::ExportFormat::csv, csv);
  CHECK(csv.str().find("\"q\"\"b\\s\nn\x01 caf\xc3\xa9 \xff\"") != std::string::npos);
}

TEST_CASE("export pages by id: limit, after, and the cursor of an empty page") {
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  db.exec(
      "INSERT INTO events (id, time_ms, kind, host, campaign, key_id) VALUES "
      "(3, 1, 'click', 'h', 'a', 1), (5, 2, 'click', 'h', 'b', 1), (8, 3, 'open', 'h', 'a', 1)");
  auto page = [&](std::int64_t after, std::int64_t limit, std::optional<std::string> campaign) {
    clicklog::ExportQuery q;
    q.after_id = after;
    q.limit = limit;
    q.campaign = campaign;
    q.node_id = "n1";
    std::ostringstream out;
    auto r = clicklog::export_events(db, q, clicklog::ExportFormat::ndjson, out);
    std::vector<std::int64_t> ids;
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);) {
      const auto id = nlohmann::json::parse(line)["id"].get<std::string>();
      CHECK(id.starts_with("n1:"));  // NODE:LOCAL
      ids.push_back(std::stoll(id.substr(3)));
    }
    CHECK(static_cast<std::int64_t>(ids.size()) == r.events);
    return std::pair{ids, r.last_id};
  };
  CHECK(page(0, 2, {}) == std::pair{std::vector<std::int64_t>{3, 5}, std::int64_t{5}});
  CHECK(page(5, 2, {}) == std::pair{std::vector<std::int64_t>{8}, std::int64_t{8}});
  CHECK(page(8, 2, {}) == std::pair{std::vector<std::int64_t>{}, std::int64_t{8}});
  CHECK(page(0, 10, "a") == std::pair{std::vector<std::int64_t>{3, 8}, std::int64_t{8}});
}

TEST_CASE("export builds a page of more than one slice whole, every event once, in order") {
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  db.exec(
      "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 25000) "
      "INSERT INTO events (id, time_ms, kind, host, campaign, user_agent, key_id) "
      "SELECT i, i, 'click', 'h', 'c' || (i % 7), "
      "substr(replace(hex(zeroblob(300)), '0', 'x'), 1, i % 300), 1 FROM k");
  clicklog::ExportQuery q;
  q.after_id = 100;
  q.limit = 20000;  // two slices: the page grows once it knows the size of its events
  q.node_id = "n1";
  std::string page = "[";
  const auto r = clicklog::export_events(db, q, clicklog::ExportFormat::ndjson, page);
  CHECK(r.events == 20000);
  CHECK(r.last_id == 20100);
  REQUIRE(page.front() == '[');  // what the page was given first stays in front
  std::istringstream lines(page.substr(1));
  std::int64_t expected = 101;
  for (std::string line; std::getline(lines, line); ++expected) {
    const auto event = nlohmann::json::parse(line);
    REQUIRE(event["id"] == "n1:" + std::to_string(expected));
    REQUIRE(event["user_agent"].get<std::string>().size() ==
            static_cast<std::size_t>(expected % 300));
  }
  CHECK(expected == 20101);
}

TEST_CASE("count_distinct agrees with a set, sorted or radix-sorted") {
  std::mt19937_64 rng(11);
  // Sizes on both sides of the radix threshold; values that differ only in their high bytes,
  // only in their low bytes, and repeats.
  for (const std::size_t n : {0, 1, 2, 1000, 16383, 16384, 100000, 300000, 1000000}) {
    std::vector<std::uint64_t> v;
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = rng();
      switch (i % 4) {
        case 0:
          v.push_back(r);
          break;
        case 1:
          v.push_back(r << 56);  // only the top byte varies
          break;
        case 2:
          v.push_back(r & 0xff);  // only the bottom byte varies
          break;
        default:
          v.push_back(v[rng() % v.size()]);  // a repeat
      }
    }
    const std::set<std::uint64_t> expected(v.begin(), v.end());
    INFO("n = " << n);
    CHECK(clicklog::count_distinct(v) == static_cast<std::int64_t>(expected.size()));
    CHECK(std::equal(expected.begin(), expected.end(), v.begin()));
  }
  std::vector<std::uint64_t> same(50000, 42);  // every byte equal: every pass skipped
  CHECK(clicklog::count_distinct(same) == 1);
  CHECK(same.front() == 42);
}
