#include "webhook/outbox.hpp"

#include "clicklog/event_text.hpp"
#include "clicklog/id_sequence.hpp"

namespace linktrack::webhook {

using clicklog::Statement;
using clicklog::Transaction;

namespace {

std::string message_id(const std::string& node_id, std::int64_t seq) {
  return "msg_" + node_id + "_" + std::to_string(seq);
}

constexpr const char* kBatchColumns =
    "seq, first_id, last_id, events, first_time_ms, body, created_ms, attempts, next_attempt_ms";

Batch batch_from(const Statement& s, const std::string& node_id) {
  Batch b;
  b.seq = s.int64(0);
  b.message_id = message_id(node_id, b.seq);
  b.first_id = s.int64(1);
  b.last_id = s.int64(2);
  b.events = s.int64(3);
  b.first_time_ms = s.int64(4);
  b.body = s.text(5);
  b.created_ms = s.int64(6);
  b.attempts = static_cast<int>(s.int64(7));
  b.next_attempt_ms = s.int64(8);
  return b;
}

// The endpoint's cursor, made at the log's end the first time it is named.
void ensure_cursor(clicklog::Database& db, const std::string& endpoint) {
  Statement s(db, std::string("INSERT INTO webhook_endpoints (endpoint, after_id) VALUES (?, (") +
                      clicklog::kLastIdSql + ")) ON CONFLICT DO NOTHING");
  s.bind(1, endpoint);
  s.step();
}

}  // namespace

Outbox::Outbox(clicklog::Database& db, std::string endpoint, std::string node_id)
    : db_(db), endpoint_(std::move(endpoint)), node_id_(std::move(node_id)) {}

void Outbox::open() {
  clicklog::WriteLockHolder holding(priority_);
  Transaction tx(db_);
  ensure_cursor(db_, endpoint_);
  tx.commit();
}

std::optional<Batch> Outbox::pending() {
  Statement s(db_, std::string("SELECT ") + kBatchColumns +
                       " FROM webhook_batches WHERE endpoint = ? AND dead_ms IS NULL ORDER BY "
                       "seq LIMIT 1");
  s.bind(1, endpoint_);
  if (!s.step()) return std::nullopt;
  return batch_from(s, node_id_);
}

std::optional<Batch> Outbox::make(clicklog::FeedReader& feed, std::size_t limit,
                                  std::int64_t interval_ms, std::int64_t now_ms,
                                  std::int64_t& wait_ms) {
  wait_ms = 0;
  std::int64_t cursor = 0;
  {
    Statement s(db_, "SELECT after_id FROM webhook_endpoints WHERE endpoint = ?");
    s.bind(1, endpoint_);
    if (!s.step())
      throw clicklog::DatabaseError("webhook endpoint " + endpoint_ + " has no cursor",
                                    SQLITE_ERROR);
    cursor = s.int64(0);
  }
  auto page = feed.read(cursor, limit);
  if (page.events > 0 && page.events < static_cast<std::int64_t>(limit) &&
      now_ms - page.first_time_ms < interval_ms) {
    wait_ms = interval_ms - (now_ms - page.first_time_ms);  // for more to join it
    return std::nullopt;
  }
  if (page.read_to == cursor) return std::nullopt;
  clicklog::WriteLockHolder holding(priority_);
  Transaction tx(db_);
  // Only from where it was read: `webhooks replay` may have moved it meanwhile.
  Statement move(db_,
                 "UPDATE webhook_endpoints SET after_id = ? WHERE endpoint = ? AND after_id = ?");
  move.bind(1, page.read_to);
  move.bind(2, endpoint_);
  move.bind(3, cursor);
  move.step();
  if (sqlite3_changes(db_.handle()) == 0) return std::nullopt;  // rolled back; read again
  if (page.events == 0) {                                       // only ids the filter skips
    tx.commit();
    return std::nullopt;
  }
  Batch b;
  b.first_id = page.first_id;
  b.last_id = page.last_id;
  b.events = page.events;
  b.first_time_ms = page.first_time_ms;
  b.created_ms = now_ms;
  b.next_attempt_ms = now_ms;
  b.body.reserve(page.json.size() + 80);
  b.body += "{\"type\":\"linktrack.events\",\"timestamp\":\"";
  clicklog::append_rfc3339_ms(b.body, now_ms);
  b.body += "\",\"data\":[";
  b.body += page.json;
  b.body += "]}";
  Statement insert(db_,
                   "INSERT INTO webhook_batches (endpoint, first_id, last_id, events, "
                   "first_time_ms, body, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?, "
                   "?, ?)");
  insert.bind(1, endpoint_);
  insert.bind(2, b.first_id);
  insert.bind(3, b.last_id);
  insert.bind(4, b.events);
  insert.bind(5, b.first_time_ms);
  insert.bind_static(6, b.body);
  insert.bind(7, b.created_ms);
  insert.bind(8, b.next_attempt_ms);
  insert.step();
  b.seq = sqlite3_last_insert_rowid(db_.handle());
  b.message_id = message_id(node_id_, b.seq);
  tx.commit();
  return b;
}

void Outbox::acknowledge(const Batch& b, std::int64_t now_ms) {
  clicklog::WriteLockHolder holding(priority_);
  Transaction tx(db_);
  Statement drop(db_, "DELETE FROM webhook_batches WHERE seq = ?");
  drop.bind(1, b.seq);
  drop.step();
  Statement count(db_,
                  "UPDATE webhook_endpoints SET delivered_events = delivered_events + ?, "
                  "delivered_batches = delivered_batches + 1, last_delivery_ms = ? WHERE "
                  "endpoint = ?");
  count.bind(1, b.events);
  count.bind(2, now_ms);
  count.bind(3, endpoint_);
  count.step();
  tx.commit();
}

namespace {

void record_failure(clicklog::Database& db, const std::string& endpoint, const Batch& b,
                    const Decision& d, std::int64_t now_ms, bool dead) {
  Statement batch(db,
                  "UPDATE webhook_batches SET attempts = attempts + 1, next_attempt_ms = ?, "
                  "last_error = ?, dead_ms = ? WHERE seq = ?");
  batch.bind(1, d.next_attempt_ms);
  batch.bind(2, d.error);
  if (dead)
    batch.bind(3, now_ms);
  else
    batch.bind_null(3);
  batch.bind(4, b.seq);
  batch.step();
  Statement endpoint_row(db,
                         "UPDATE webhook_endpoints SET failures = failures + 1, last_error = ?, "
                         "last_error_ms = ? WHERE endpoint = ?");
  endpoint_row.bind(1, d.error);
  endpoint_row.bind(2, now_ms);
  endpoint_row.bind(3, endpoint);
  endpoint_row.step();
}

}  // namespace

void Outbox::failed(const Batch& b, const Decision& d, std::int64_t now_ms) {
  clicklog::WriteLockHolder holding(priority_);
  Transaction tx(db_);
  record_failure(db_, endpoint_, b, d, now_ms, d.action == Decision::Action::dead_letter);
  tx.commit();
}

void Outbox::disable(const Batch& b, const Decision& d, std::int64_t now_ms) {
  clicklog::WriteLockHolder holding(priority_);
  Transaction tx(db_);
  Decision again = d;
  again.next_attempt_ms = now_ms;  // sent first once enabled again
  record_failure(db_, endpoint_, b, again, now_ms, false);
  Statement s(db_, "UPDATE webhook_endpoints SET disabled_ms = ? WHERE endpoint = ?");
  s.bind(1, now_ms);
  s.bind(2, endpoint_);
  s.step();
  tx.commit();
}

void Outbox::enable() {
  clicklog::WriteLockHolder holding(priority_);
  Transaction tx(db_);
  Statement s(db_, "UPDATE webhook_endpoints SET disabled_ms = NULL WHERE endpoint = ?");
  s.bind(1, endpoint_);
  s.step();
  tx.commit();
}

bool Outbox::disabled() {
  Statement s(db_, "SELECT disabled_ms IS NOT NULL FROM webhook_endpoints WHERE endpoint = ?");
  s.bind(1, endpoint_);
  return s.step() && s.int64(0) != 0;
}

std::vector<EndpointStatus> endpoint_status(clicklog::Database& db) {
  std::vector<EndpointStatus> out;
  clicklog::ReadTransaction snapshot(db);
  Statement s(db,
              "SELECT endpoint, after_id, delivered_events, delivered_batches, failures, "
              "last_error, last_error_ms, last_delivery_ms, disabled_ms FROM webhook_endpoints "
              "ORDER BY endpoint");
  Statement batches(db,
                    "SELECT dead_ms IS NOT NULL, count(*), coalesce(sum(events), 0), "
                    "coalesce(sum(attempts > 0), 0), min(first_time_ms) FROM webhook_batches "
                    "WHERE endpoint = ? GROUP BY dead_ms IS NOT NULL");
  Statement next(db, "SELECT time_ms FROM events WHERE id > ? ORDER BY id LIMIT 1");
  const std::int64_t last = clicklog::last_event_id(db);
  auto optional_int = [](const Statement& st, int c) {
    return st.is_null(c) ? std::nullopt : std::optional<std::int64_t>(st.int64(c));
  };
  while (s.step()) {
    EndpointStatus e;
    e.endpoint = s.text(0);
    e.after_id = s.int64(1);
    e.delivered_events = s.int64(2);
    e.delivered_batches = s.int64(3);
    e.failures = s.int64(4);
    e.last_error = s.optional_text(5);
    e.last_error_ms = optional_int(s, 6);
    e.last_delivery_ms = optional_int(s, 7);
    e.disabled_ms = optional_int(s, 8);
    e.ids_behind = std::max<std::int64_t>(0, last - e.after_id);
    batches.reset();
    batches.bind(1, e.endpoint);
    while (batches.step()) {
      if (batches.int64(0)) {
        e.dead_batches = batches.int64(1);
        e.dead_events = batches.int64(2);
      } else {
        e.pending_batches = batches.int64(1);
        e.pending_events = batches.int64(2);
        e.retrying_batches = batches.int64(3);
        e.oldest_unacknowledged_ms = batches.int64(4);
      }
    }
    if (!e.oldest_unacknowledged_ms) {
      next.reset();
      next.bind(1, e.after_id);
      if (next.step()) e.oldest_unacknowledged_ms = next.int64(0);
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<DeadLetter> dead_letters(clicklog::Database& db, const std::string& endpoint) {
  std::vector<DeadLetter> out;
  Statement s(db,
              "SELECT seq, first_id, last_id, events, created_ms, dead_ms, attempts, last_error "
              "FROM webhook_batches WHERE endpoint = ? AND dead_ms IS NOT NULL ORDER BY seq");
  s.bind(1, endpoint);
  while (s.step())
    out.push_back({s.int64(0), s.int64(1), s.int64(2), s.int64(3), s.int64(4), s.int64(5),
                   static_cast<int>(s.int64(6)), s.optional_text(7)});
  return out;
}

std::int64_t replay(clicklog::Database& db, const std::string& endpoint,
                    std::optional<std::int64_t> since_ms, std::int64_t now_ms) {
  Transaction tx(db);
  // An endpoint not yet started gets its cursor here (at the log's end, as a start would give
  // it), so that its history can be sent from its first start.
  ensure_cursor(db, endpoint);
  Statement revive(db,
                   "UPDATE webhook_batches SET dead_ms = NULL, attempts = 0, created_ms = ?, "
                   "next_attempt_ms = ? WHERE endpoint = ? AND dead_ms IS NOT NULL");
  revive.bind(1, now_ms);
  revive.bind(2, now_ms);
  revive.bind(3, endpoint);
  revive.step();
  const std::int64_t revived = sqlite3_changes(db.handle());
  if (since_ms) {
    // Back to just before the first event at or after `since` (ids and times grow together,
    // up to the writer's batching), never forward.
    Statement rewind(db,
                     "UPDATE webhook_endpoints SET after_id = min(after_id, coalesce((SELECT "
                     "min(id) - 1 FROM events WHERE time_ms >= ?), after_id)) WHERE endpoint = ?");
    rewind.bind(1, *since_ms);
    rewind.bind(2, endpoint);
    rewind.step();
  }
  tx.commit();
  return revived;
}

}  // namespace linktrack::webhook
