// The click log as a webhook endpoint's outbox. Each endpoint has a cursor in the log
// (webhook_endpoints.after_id) and the batches made from it and not yet acknowledged
// (webhook_batches). A batch is stored, with its exact body, in the transaction that moves
// the cursor past its events, and deleted in the one that records its acknowledgement: an
// event is delivered at least once across crashes, and a restart re-sends only the batches
// that were in flight. Everything here is one short SQLite transaction on its own connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clicklog/database.hpp"
#include "clicklog/feed.hpp"
#include "clicklog/writer_priority.hpp"
#include "webhook/retry.hpp"

namespace linktrack::webhook {

struct Batch {
  std::int64_t seq = 0;
  std::string message_id;  // webhook-id: msg_NODE_SEQ, the same on every attempt
  std::int64_t first_id = 0, last_id = 0, events = 0;
  std::int64_t first_time_ms = 0;  // when its first event happened
  std::string body;
  std::int64_t created_ms = 0;
  int attempts = 0;
  std::int64_t next_attempt_ms = 0;
};

class Outbox {
 public:
  Outbox(clicklog::Database& db, std::string endpoint, std::string node_id);

  // Makes the endpoint's cursor the first time it is seen: at the log's end (its history is
  // sent only when asked: `linktrack webhooks replay --since`).
  void open();
  // The oldest batch not yet acknowledged and not a dead letter.
  std::optional<Batch> pending();
  // The next batch from the log: up to `limit` events after the cursor. Nothing when there are
  // no new events, or fewer than `limit` whose first is younger than `interval_ms` (then
  // `wait_ms` says for how long). Ids the endpoint's filter skips move the cursor all the same.
  std::optional<Batch> make(clicklog::FeedReader& feed, std::size_t limit, std::int64_t interval_ms,
                            std::int64_t now_ms, std::int64_t& wait_ms);
  void acknowledge(const Batch& b, std::int64_t now_ms);
  // Records a failed attempt: retried at d.next_attempt_ms, or kept as a dead letter.
  void failed(const Batch& b, const Decision& d, std::int64_t now_ms);
  // 410 Gone: nothing more is sent until enable() (a config reload, a restart).
  void disable(const Batch& b, const Decision& d, std::int64_t now_ms);
  void enable();
  bool disabled();
  // A background thread's priority, raised while it holds the log's write lock if the click
  // writer waits for it (see WriterPriority::hold), so the writer never waits on a starved
  // thread.
  void set_priority(clicklog::WriterPriority* p) { priority_ = p; }

 private:
  clicklog::Database& db_;
  std::string endpoint_, node_id_;
  clicklog::WriterPriority* priority_ = nullptr;
};

// What `linktrack webhooks status` shows of an endpoint.
struct EndpointStatus {
  std::string endpoint;
  std::int64_t after_id = 0;
  std::int64_t delivered_events = 0, delivered_batches = 0, failures = 0;
  std::optional<std::string> last_error;
  std::optional<std::int64_t> last_error_ms, last_delivery_ms, disabled_ms;
  std::int64_t pending_batches = 0, pending_events = 0, retrying_batches = 0;
  std::int64_t dead_batches = 0, dead_events = 0;
  std::int64_t ids_behind = 0;  // log ids after the cursor: events not yet in a batch
  // When the oldest event not yet acknowledged happened (in a pending batch, else the first
  // after the cursor); 0 when there is none. Lag is the time since.
  std::int64_t oldest_unacknowledged_ms = 0;
};
std::vector<EndpointStatus> endpoint_status(clicklog::Database& db);

struct DeadLetter {
  std::int64_t seq = 0, first_id = 0, last_id = 0, events = 0;
  std::int64_t created_ms = 0, dead_ms = 0;
  int attempts = 0;
  std::optional<std::string> last_error;
};
std::vector<DeadLetter> dead_letters(clicklog::Database& db, const std::string& endpoint);

// `webhooks replay`: the endpoint's dead letters sent again (as they were); with `since_ms`,
// also every event from then on, in new batches (the cursor goes back; receivers deduplicate by
// event id). Returns the number of dead letters revived.
std::int64_t replay(clicklog::Database& db, const std::string& endpoint,
                    std::optional<std::int64_t> since_ms, std::int64_t now_ms);

}  // namespace linktrack::webhook
