#include "clicklog/forget.hpp"

#include "clicklog/summarizer.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

namespace linktrack::clicklog {
namespace {

// Webhook batches hold copies of events until delivered: the recipient's are taken out of
// every batch not yet delivered (a batch left empty goes), and the re-scorer's verdict changes
// about events that are gone are dropped. Such a batch is the one case where a batch sent again
// differs from its first sending: the erasure wins.
void forget_in_outbox(Database& db, const std::string& recipient) {
  if (schema_version(db) < 4) return;  // a log from before webhooks has no outbox
  const std::string quoted = nlohmann::json(recipient).dump();
  Transaction tx(db);
  Statement find(db,
                 "SELECT seq, body FROM webhook_batches WHERE instr(body, ?) > 0 OR instr(body, "
                 "?) > 0");
  find.bind(1, "\"recipient\":" + quoted);
  find.bind(2, "\"recipient\": " + quoted);
  std::vector<std::pair<std::int64_t, std::string>> bodies;
  while (find.step()) bodies.emplace_back(find.int64(0), find.text(1));
  find.reset();
  Statement update(db, "UPDATE webhook_batches SET body = ?, events = ? WHERE seq = ?");
  Statement drop(db, "DELETE FROM webhook_batches WHERE seq = ?");
  for (auto& [seq, body] : bodies) {
    auto batch = nlohmann::json::parse(body, nullptr, false);
    if (batch.is_discarded() || !batch.contains("data") || !batch["data"].is_array()) continue;
    auto& data = batch["data"];
    const auto before = data.size();
    data.erase(std::remove_if(data.begin(), data.end(),
                              [&](const nlohmann::json& e) {
                                const auto it = e.find("recipient");
                                return it != e.end() && *it == recipient;
                              }),
               data.end());
    if (data.size() == before) continue;
    if (data.empty()) {
      drop.reset();
      drop.bind(1, seq);
      drop.step();
      continue;
    }
    update.reset();
    update.bind(1, batch.dump());
    update.bind(2, static_cast<std::int64_t>(data.size()));
    update.bind(3, seq);
    update.step();
  }
  db.exec(
      "DELETE FROM verdict_changes WHERE NOT EXISTS (SELECT 1 FROM events WHERE events.id = "
      "verdict_changes.event_id)");
  tx.commit();
}

}  // namespace

std::int64_t forget_recipient(Database& db, const std::string& recipient) {
  // No index on recipient (it would cost the writer a random insert per click, see
  // migrations/0002_lighter_inserts.sql), so this scans:
  // in rowid slices, one short transaction each, so that a running server's writer is only
  // ever held off for one slice. Rows written meanwhile are covered by reading the end again.
  constexpr std::int64_t kSlice = 65536;
  Statement last(db, "SELECT coalesce(max(id), 0) FROM events");
  Statement del(db, "DELETE FROM events WHERE id >= ? AND id < ? AND recipient = ?");
  Statement first(db, "SELECT coalesce(min(id), 0) FROM events");
  first.step();
  std::int64_t from = first.int64(0);
  std::int64_t deleted = 0;
  for (;;) {
    last.reset();
    last.step();
    const std::int64_t end = last.int64(0) + 1;
    if (from >= end) break;
    for (; from < end; from += kSlice) {
      Transaction tx(db);
      // The summary recomputes the hours of what goes, so no sketch keeps this person's hash.
      mark_hours_dirty(db, "id >= ? AND id < ? AND recipient = ?", [&](Statement& s) {
        s.bind(1, from);
        s.bind(2, from + kSlice);
        s.bind(3, recipient);
      });
      del.reset();
      del.bind(1, from);
      del.bind(2, from + kSlice);
      del.bind(3, recipient);
      del.step();
      deleted += sqlite3_changes(db.handle());
      tx.commit();
    }
  }
  forget_in_outbox(db, recipient);
  return deleted;
}

}  // namespace linktrack::clicklog
