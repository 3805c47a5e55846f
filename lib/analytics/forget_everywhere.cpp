#include "analytics/forget_everywhere.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "clicklog/forget.hpp"

namespace linktrack::analytics {

namespace {

std::string random_request_id() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned> hex(0, 15);
  std::string id;
  for (int i = 0; i < 20; ++i) id += "0123456789abcdef"[hex(rd)];
  return id;
}

bool applied(clicklog::Database& db, const std::string& request_id) {
  clicklog::Statement s(db, "SELECT 1 FROM forgets_applied WHERE request_id = ?");
  s.bind(1, request_id);
  return s.step();
}

void record_applied(clicklog::Database& db, const std::string& request_id, std::int64_t now_ms) {
  clicklog::Statement s(db,
                        "INSERT INTO forgets_applied (request_id, applied_ms) VALUES (?, ?) ON "
                        "CONFLICT DO NOTHING");
  s.bind(1, request_id);
  s.bind(2, now_ms);
  s.step();
}

}  // namespace

void delete_recipient(ClickHouseClient& ch, const std::string& recipient) {
  // ifNull: ClickHouse 18.16 deletes the rows where a mutation's condition is NULL (here every
  // event without a recipient); current releases do not, and ifNull keeps both right.
  ch.query("ALTER TABLE " + ch.database() +
           ".events DELETE WHERE ifNull(recipient = " + quote(recipient) + ", 0)");
}

ForgetResult forget_everywhere(clicklog::Database& db, ClickHouseClient& ch,
                               const std::string& recipient, const std::string& node_id) {
  ForgetResult r;
  r.local_events = clicklog::forget_recipient(db, recipient);
  delete_recipient(ch, recipient);
  r.request_id = random_request_id();
  ch.query("INSERT INTO " + ch.database() +
           ".forget_requests (request_id, time, recipient, node) VALUES (" + quote(r.request_id) +
           ", now(), " + quote(recipient) + ", " + quote(node_id) + ")");
  // This node's shipper applies it too, once: after any batch that was in flight.
  return r;
}

std::int64_t apply_forget_requests(clicklog::Database& db, ClickHouseClient& ch,
                                   clicklog::WriterPriority* priority, std::int64_t since_s,
                                   std::int64_t now_ms) {
  const auto text = ch.query("SELECT request_id, recipient FROM " + ch.database() +
                             ".forget_requests WHERE time >= toDateTime(" +
                             std::to_string(since_s) + ") ORDER BY time FORMAT JSONEachRow");
  std::int64_t count = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto row = nlohmann::json::parse(line, nullptr, false);
    if (!row.is_object() || !row.contains("request_id") || !row.contains("recipient")) continue;
    const auto id = row["request_id"].get<std::string>();
    const auto recipient = row["recipient"].get<std::string>();
    if (applied(db, id)) continue;
    std::int64_t deleted = 0;
    {
      clicklog::WriteLockHolder holding(priority);
      deleted = clicklog::forget_recipient(db, recipient);
    }
    delete_recipient(ch, recipient);
    {
      clicklog::WriteLockHolder holding(priority);
      record_applied(db, id, now_ms);
    }
    ++count;
    spdlog::info("analytics: forget request {} applied: {} event(s) deleted from the spool", id,
                 deleted);
  }
  return count;
}

}  // namespace linktrack::analytics
