#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analytics/clickhouse_client.hpp"
#include "analytics/partition_retention.hpp"
#include "analytics/schema.hpp"
#include "analytics/shipping_cursor.hpp"
#include "analytics/spool_reader.hpp"
#include "analytics/tsv_text.hpp"
#include "clicklog/database.hpp"
#include "clicklog/export_fields.hpp"
#include "test_helpers.hpp"

using namespace linktrack;

namespace {

// TabSeparated rows as maps by column name (the test's values hold no escapes).
std::vector<std::map<std::string, std::string>> rows_of(const std::string& text) {
  std::vector<std::string> names;
  std::istringstream list(analytics::spool_columns());
  for (std::string name; std::getline(list, name, ',');)
    names.push_back(name.substr(name.find_first_not_of(' ')));
  std::vector<std::map<std::string, std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::map<std::string, std::string> row;
    std::istringstream fields(line);
    std::size_t i = 0;
    for (std::string field; std::getline(fields, field, '\t'); ++i) row[names.at(i)] = field;
    CHECK(i == names.size());
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("TabSeparated values escape what ClickHouse reads as structure") {
  std::string out;
  analytics::append_tsv_string(out, "a\tb\nc\\d'e");
  CHECK(out == "a\\tb\\nc\\\\d'e");
  out.clear();
  analytics::append_tsv_string(out, std::string("caf\xc3\xa9 \xff!", 8));  // one bad byte
  CHECK(out == "caf\xc3\xa9 \xef\xbf\xbd!");
  out.clear();
  analytics::append_tsv_array(out, {"ua:x", "it's\t"});
  CHECK(out == "['ua:x','it\\'s\\t']");
  out.clear();
  analytics::append_tsv_array(out, {});
  CHECK(out == "[]");
}

TEST_CASE("string literals for ClickHouse escape quotes and backslashes") {
  CHECK(analytics::quote("plain") == "'plain'");
  CHECK(analytics::quote("it's") == "'it\\'s'");
  CHECK(analytics::quote("a\\'); DROP TABLE x; --") == "'a\\\\\\'); DROP TABLE x; --'");
}

TEST_CASE("the events table has a column for every export field") {
  const std::string table = analytics::schema_versions().front().statements.front();
  for (const auto& f : clicklog::kExportFields) {
    const std::string name = f.name;
    CHECK((table.find("(" + name + " ") != std::string::npos ||
           table.find(" " + name + " ") != std::string::npos));
  }
  for (const char* extra : {"time_ms Int64", "node String", "version UInt64"})
    CHECK(table.find(extra) != std::string::npos);
  // Versions only ever grow, one after another.
  std::int64_t expected = 1;
  for (const auto& v : analytics::schema_versions()) CHECK(v.version == expected++);
}

TEST_CASE("expired partitions are whole months past the cutoff") {
  const std::int64_t nov_15_2026 = 1794787200000;  // 2026-11-15T00:00:00Z
  const std::int64_t oct_1_2026 = 1790812800000;   // 2026-10-01T00:00:00Z
  CHECK(analytics::expired_partitions({"202609", "202610", "202611", "junk", "202613"},
                                      nov_15_2026) == std::vector<std::string>{"202609", "202610"});
  // Exactly at a month's end: that month has gone; the next one has not.
  CHECK(analytics::expired_partitions({"202609", "202610"}, oct_1_2026) ==
        std::vector<std::string>{"202609"});
  CHECK(analytics::expired_partitions({"202512"}, 1767225600000) ==  // 2026-01-01
        std::vector<std::string>{"202512"});
}

TEST_CASE("the spool is read as ClickHouse rows: every event, and a changed verdict again") {
  test::TempDir dir;
  clicklog::Database db(dir.file("clicks.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  db.exec(
      "INSERT INTO events (id, time_ms, kind, host, campaign, recipient, sent_at, verdict, "
      "reasons, key_id) VALUES (1, 1795000000123, 'click', 'links.a.test', 'spring', 'r1', "
      "1794999000, 'human', NULL, 1), (2, 1795000001000, 'open', 'links.a.test', NULL, NULL, "
      "NULL, 'suspect', 'ua:x net:y', 1)");
  db.exec("UPDATE counters SET value = 3 WHERE name = 'last_event_id'");
  // The re-scorer turned event 1 into a bot's at id 3.
  db.exec("UPDATE events SET verdict = 'bot', reasons = 'honeypot' WHERE id = 1");
  db.exec(
      "INSERT INTO verdict_changes (id, time_ms, event_id, verdict, previous, reasons) VALUES "
      "(3, 1795000002000, 1, 'bot', 'human', 'honeypot')");
  analytics::SpoolReader reader(db, "n1");
  auto page = reader.read(0, 10);
  auto rows = rows_of(page.rows);
  REQUIRE(rows.size() == 3);
  CHECK(page.count == 3);
  CHECK(page.read_to == 3);
  CHECK(page.first_time_ms == 1795000000123);
  CHECK(rows[0]["id"] == "n1:1");
  CHECK(rows[0]["time"] == "2026-11-18 11:06:40");  // a DateTime('UTC'), in UTC
  CHECK(rows[0]["time_ms"] == "1795000000123");
  CHECK(rows[0]["sent_at"] == "2026-11-18 10:50:00");
  CHECK(rows[0]["node"] == "n1");
  CHECK(rows[0]["version"] == "1");
  CHECK(rows[0]["reasons"] == "['honeypot']");  // the row as the log has it now
  CHECK(rows[1]["campaign"] == "\\N");
  CHECK(rows[1]["reasons"] == "['ua:x','net:y']");
  CHECK(rows[1]["sent_at"] == "\\N");
  // The change: event 1's whole row again, as it is now, with the change's id as its version.
  CHECK(rows[2]["id"] == "n1:1");
  CHECK(rows[2]["version"] == "3");
  CHECK(rows[2]["verdict"] == "bot");
  CHECK(rows[2]["campaign"] == "spring");
  // Every export field is a column, under its own name.
  for (const auto& f : clicklog::kExportFields) CHECK(rows[2].count(f.name) == 1);
  // A page that is full ends at its last row; the rest follows from there.
  page = reader.read(0, 2);
  CHECK(page.count == 2);
  CHECK(page.read_to == 2);
  page = reader.read(2, 2);
  CHECK(page.count == 1);
  CHECK(page.read_to == 3);
  CHECK(reader.read(3, 2).count == 0);
  CHECK(reader.last_id() == 3);
  CHECK(reader.first_time_after(1) == 1795000001000);
}

TEST_CASE("the shipping cursor starts at the log's beginning and survives a reopen") {
  test::TempDir dir;
  const auto path = dir.file("clicks.db");
  {
    clicklog::Database db(path, clicklog::Database::Mode::read_write);
    clicklog::migrate(db);
    analytics::ShippingCursor cursor(db, analytics::kClickHouseCursor);
    CHECK(cursor.open() == 0);
    cursor.advance(500, 480, 1000);
    cursor.failed("HTTP 503", 2000);
    cursor.advance(900, 400, 3000);
  }
  clicklog::Database db(path, clicklog::Database::Mode::read_write);
  analytics::ShippingCursor cursor(db, analytics::kClickHouseCursor);
  CHECK(cursor.open() == 900);
  const auto s = cursor.status();
  CHECK(s.shipped_rows == 880);
  CHECK(s.batches == 2);
  CHECK(s.failures == 1);
  CHECK(s.last_error == "HTTP 503");
  CHECK(s.last_shipped_ms == 3000);
}
