#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clicklog/database.hpp"
#include "clicklog/feed.hpp"
#include "clicklog/forget.hpp"
#include "net/address_policy.hpp"
#include "test_helpers.hpp"
#include "util/base64.hpp"
#include "webhook/outbox.hpp"
#include "webhook/poster.hpp"
#include "webhook/retry.hpp"
#include "webhook/signature.hpp"

using namespace linktrack;

TEST_CASE("signatures match the Standard Webhooks test vector, one entry per secret") {
  // libraries/*/ tests of standard-webhooks/standard-webhooks (TestWebhookSign).
  const auto key = *util::base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  CHECK(webhook::signature_header({key}, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                                  R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  const auto two = webhook::signature_header({key, std::string(32, 'k')}, "msg_1", 1, "{}");
  CHECK(two.starts_with("v1,"));
  CHECK(two.find(" v1,") != std::string::npos);
  CHECK(two.size() == 2 * std::string("v1,").size() + 2 * 44 + 1);
}

TEST_CASE("the retry schedule is Standard Webhooks', with at most a fifth of jitter") {
  using webhook::retry_delay_ms;
  CHECK(retry_delay_ms(1, 0) == 5'000);
  CHECK(retry_delay_ms(2, 0) == 300'000);
  CHECK(retry_delay_ms(3, 0) == 1'800'000);
  CHECK(retry_delay_ms(4, 0) == 7'200'000);
  CHECK(retry_delay_ms(5, 0) == 18'000'000);
  CHECK(retry_delay_ms(6, 0) == 36'000'000);
  CHECK(retry_delay_ms(60, 0) == 36'000'000);
  CHECK(retry_delay_ms(1, 0.999) < 6'000);
  CHECK(retry_delay_ms(1, 0.5) == 5'500);
}

TEST_CASE("answers decide: acknowledge, retry, honour Retry-After, disable, dead letter") {
  using webhook::Answer;
  using webhook::Decision;
  using webhook::Failure;
  const std::int64_t day = 86'400'000, max_age = 3 * day;
  auto decide = [&](Answer a, int attempts = 1, std::int64_t age = 0) {
    return webhook::decide(a, attempts, 1'000'000 - age, 1'000'000, max_age, 0);
  };
  auto answer = [](long status, std::optional<std::int64_t> retry_after = std::nullopt) {
    Answer a;
    a.status = status;
    a.retry_after_s = retry_after;
    return a;
  };
  Answer timed_out;
  timed_out.transport = Failure::timeout;
  CHECK(decide(answer(204)).action == Decision::Action::acknowledge);
  auto gone = decide(answer(410));
  CHECK(gone.action == Decision::Action::disable);
  CHECK(gone.failure == Failure::gone);
  auto busy = decide(answer(503, 30));
  CHECK(busy.action == Decision::Action::retry);
  CHECK(busy.next_attempt_ms == 1'000'000 + 30'000);
  CHECK(busy.failure == Failure::http_5xx);
  auto limited = decide(answer(429, 0));
  CHECK(limited.next_attempt_ms == 1'000'000 + 1'000);  // never a tight loop
  CHECK(limited.failure == Failure::rate_limited);
  // Retry-After on a status that does not ask to wait is the schedule's business.
  CHECK(decide(answer(500, 1)).next_attempt_ms == 1'000'000 + 5'000);
  CHECK(decide(answer(400)).failure == Failure::http_4xx);
  CHECK(decide(answer(301)).failure == Failure::redirect);
  CHECK(decide(timed_out).failure == Failure::timeout);
  CHECK(decide(answer(500), 2).next_attempt_ms == 1'000'000 + 300'000);
  // Past max_age: a dead letter rather than a retry.
  CHECK(decide(answer(500), 7, max_age - 1000).action == Decision::Action::dead_letter);
  CHECK(decide(answer(503, 7200), 1, max_age - 1000).action == Decision::Action::dead_letter);
}

TEST_CASE("Retry-After as seconds or an HTTP-date") {
  CHECK(outbound::parse_retry_after("120", 0) == 120);
  CHECK(outbound::parse_retry_after(" 7 \r\n", 0) == 7);
  // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
  CHECK(outbound::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111700) == 77);
  CHECK(outbound::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111800) == 0);
  CHECK_FALSE(outbound::parse_retry_after("soon", 0));
  CHECK_FALSE(outbound::parse_retry_after("", 0));
}

TEST_CASE("addresses a webhook must not reach without allow_private") {
  auto range = [](const char* text) {
    return net::special_purpose_range(*net::IpAddress::parse(text));
  };
  CHECK(range("127.0.0.1") == "loopback");
  CHECK(range("::1") == "loopback");
  CHECK(range("::ffff:10.1.2.3") == "private");
  CHECK(range("169.254.169.254") == "link-local (cloud metadata)");
  CHECK(range("192.168.1.1") == "private");
  CHECK(range("172.31.255.255") == "private");
  CHECK(range("100.64.0.1"));
  CHECK(range("fd12::1"));
  CHECK(range("fe80::1"));
  CHECK(range("0.0.0.0"));
  CHECK_FALSE(range("172.32.0.1"));
  CHECK_FALSE(range("93.184.216.34"));
  CHECK_FALSE(range("2606:4700::1111"));
}

namespace {

// A log with events 1..n (hosts a/b alternating) as the writer leaves it.
void add_events(clicklog::Database& db, int from, int to) {
  for (int id = from; id <= to; ++id)
    db.exec("INSERT INTO events (id, time_ms, kind, host, campaign, key_id, verdict) VALUES (" +
            std::to_string(id) + ", " + std::to_string(id * 1000) + ", 'click', '" +
            (id % 2 ? "a" : "b") + "', 'c', 1, 'human')");
  db.exec("UPDATE counters SET value = " + std::to_string(to) + " WHERE name = 'last_event_id'");
}

std::vector<std::string> data_ids(const std::string& body) {
  std::vector<std::string> ids;
  const auto parsed = nlohmann::json::parse(body);
  for (const auto& e : parsed["data"]) ids.push_back(e["id"]);
  return ids;
}

}  // namespace

TEST_CASE("the feed merges events and verdict changes in id order, filtered") {
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  add_events(db, 1, 4);
  db.exec(
      "INSERT INTO verdict_changes (id, time_ms, event_id, verdict, previous, reasons) VALUES "
      "(5, 9000, 1, 'bot', 'human', 'honeypot-near')");
  add_events(db, 6, 7);
  clicklog::FeedReader all(db, {}, "n");
  auto page = all.read(0, 100);
  CHECK(page.events == 7);
  CHECK(page.read_to == 7);
  auto parsed = nlohmann::json::parse("[" + page.json + "]");
  CHECK(parsed[4]["id"] == "n:5");
  CHECK(parsed[4]["kind"] == "verdict");
  CHECK(parsed[4]["event_id"] == "n:1");
  CHECK(parsed[4]["host"] == "a");
  CHECK(parsed[4]["previous_verdict"] == "human");
  CHECK(parsed[4]["reasons"] == nlohmann::json::array({"honeypot-near"}));
  CHECK(parsed[5]["id"] == "n:6");
  // A full page ends at its last event; the next starts after it.
  auto first = all.read(0, 3);
  CHECK(first.read_to == 3);
  CHECK(all.read(first.read_to, 3).first_id == 4);
  // Host b only: the verdict change is about an event of host a.
  clicklog::FeedFilter b;
  b.hosts = {"b"};
  clicklog::FeedReader only_b(db, b, "n");
  auto pb = only_b.read(0, 100);
  CHECK(pb.events == 3);   // 2, 4, 6
  CHECK(pb.read_to == 7);  // every id was looked at
  clicklog::FeedFilter no_verdicts;
  no_verdicts.verdicts = false;
  CHECK(clicklog::FeedReader(db, no_verdicts, "n").read(0, 100).events == 6);
  // A span bounds what one read looks at.
  CHECK(only_b.read(0, 100, 3).read_to == 3);
}

TEST_CASE("the outbox: batches made once, re-sent as they were, acknowledged, dead, replayed") {
  test::TempDir dir;
  const auto path = dir.file("a.db");
  clicklog::Database db(path, clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  add_events(db, 1, 3);
  clicklog::FeedReader feed(db, {}, "n");
  webhook::Outbox box(db, "crm", "n");
  box.open();  // a new endpoint starts at the log's end: its history is not sent
  std::int64_t wait = 0;
  CHECK_FALSE(box.make(feed, 10, 0, 100'000, wait));
  add_events(db, 4, 8);
  // Fewer than batch_max and the first event younger than the interval: wait for more.
  CHECK_FALSE(box.make(feed, 10, 5'000, 4'000 + 1'000, wait));
  CHECK(wait == 4'000);
  auto b = box.make(feed, 3, 0, 100'000, wait);
  REQUIRE(b);
  CHECK(data_ids(b->body) == std::vector<std::string>{"n:4", "n:5", "n:6"});
  CHECK(b->message_id == "msg_n_" + std::to_string(b->seq));
  auto parsed = nlohmann::json::parse(b->body);
  CHECK(parsed["type"] == "linktrack.events");
  CHECK(parsed["timestamp"] == "1970-01-01T00:01:40.000Z");
  // A failure keeps it pending as it was; another connection (a restart) sees the same.
  webhook::Decision retry;
  retry.next_attempt_ms = 105'000;
  retry.error = "HTTP 500";
  box.failed(*b, retry, 100'000);
  {
    clicklog::Database again(path, clicklog::Database::Mode::read_write);
    webhook::Outbox restarted(again, "crm", "n");
    auto p = restarted.pending();
    REQUIRE(p);
    CHECK(p->message_id == b->message_id);
    CHECK(p->body == b->body);
    CHECK(p->attempts == 1);
    CHECK(p->next_attempt_ms == 105'000);
  }
  box.acknowledge(*b, 106'000);
  CHECK_FALSE(box.pending());
  auto next = box.make(feed, 3, 0, 107'000, wait);
  REQUIRE(next);
  CHECK(data_ids(next->body) == std::vector<std::string>{"n:7", "n:8"});
  // Given up: a dead letter, no longer pending; the next batch goes on.
  webhook::Decision dead;
  dead.action = webhook::Decision::Action::dead_letter;
  dead.error = "HTTP 503";
  box.failed(*next, dead, 108'000);
  CHECK_FALSE(box.pending());
  auto status = webhook::endpoint_status(db);
  REQUIRE(status.size() == 1);
  CHECK(status[0].delivered_events == 3);
  CHECK(status[0].failures == 2);
  CHECK(status[0].dead_batches == 1);
  CHECK(status[0].dead_events == 2);
  CHECK(status[0].last_error == "HTTP 503");
  CHECK(webhook::dead_letters(db, "crm").size() == 1);
  // Replay: the dead letter pending again, as it was; --since rewinds the cursor.
  CHECK(webhook::replay(db, "crm", std::nullopt, 200'000) == 1);
  auto revived = box.pending();
  REQUIRE(revived);
  CHECK(revived->body == next->body);
  CHECK(revived->attempts == 0);
  box.acknowledge(*revived, 201'000);
  CHECK(webhook::replay(db, "crm", 2'000, 202'000) == 0);
  auto history = box.make(feed, 100, 0, 203'000, wait);
  REQUIRE(history);
  CHECK(data_ids(history->body).front() == "n:2");
  // 410: disabled until enabled.
  box.disable(*history, {}, 204'000);
  CHECK(box.disabled());
  box.enable();
  CHECK_FALSE(box.disabled());
  CHECK(box.pending()->seq == history->seq);
}

TEST_CASE("forget takes a recipient's events out of batches not yet delivered") {
  test::TempDir dir;
  clicklog::Database db(dir.file("a.db"), clicklog::Database::Mode::read_write);
  clicklog::migrate(db);
  clicklog::FeedReader feed(db, {}, "n");
  webhook::Outbox box(db, "crm", "n");
  box.open();
  db.exec(
      "INSERT INTO events (id, time_ms, kind, host, recipient, key_id) VALUES (1, 1, 'click', "
      "'h', 'ann', 1), (2, 2, 'click', 'h', 'bob', 1), (3, 3, 'click', 'h', 'ann', 1)");
  db.exec(
      "INSERT INTO verdict_changes (id, time_ms, event_id, verdict) VALUES (4, 4, 1, 'bot'), (5, "
      "5, 2, 'bot')");
  db.exec("UPDATE counters SET value = 5 WHERE name = 'last_event_id'");
  std::int64_t wait = 0;
  auto b = box.make(feed, 100, 0, 10, wait);
  REQUIRE(b);
  CHECK(b->events == 5);
  CHECK(clicklog::forget_recipient(db, "ann") == 2);
  auto left = box.pending();
  REQUIRE(left);
  CHECK(left->seq == b->seq);
  CHECK(left->events == 2);  // bob's click and the change of its verdict; ann's change named her
  CHECK(left->body.find("\"ann\"") == std::string::npos);
  CHECK(data_ids(left->body) == std::vector<std::string>{"n:2", "n:5"});
  clicklog::Statement changes(db, "SELECT group_concat(id) FROM verdict_changes");
  changes.step();
  CHECK(changes.text(0) == "5");  // the change about ann's event went with it
  CHECK(clicklog::forget_recipient(db, "bob") == 1);
  CHECK_FALSE(box.pending());  // emptied: gone
}
