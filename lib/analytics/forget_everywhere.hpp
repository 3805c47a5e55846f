// `forget` with an analytics store: the recipient's events are deleted from this node's spool
// and from ClickHouse (whichever node logged them), and the request is recorded there
// (forget_requests) for every node to apply to its own spool; each node's shipper does so
// within a minute (apply_forget_requests). A node applying a request also deletes in ClickHouse
// again, after its spool no longer has the events: a batch that was in flight when the first
// delete ran cannot bring them back.
#pragma once

#include <cstdint>
#include <string>

#include "analytics/clickhouse_client.hpp"
#include "clicklog/database.hpp"
#include "clicklog/writer_priority.hpp"

namespace linktrack::analytics {

struct ForgetResult {
  std::int64_t local_events = 0;  // deleted from this node's spool
  std::string request_id;         // recorded in ClickHouse for the other nodes
};
ForgetResult forget_everywhere(clicklog::Database& db, ClickHouseClient& ch,
                               const std::string& recipient, const std::string& node_id);

// The recipient's events deleted in ClickHouse (a mutation: it runs in the background there).
void delete_recipient(ClickHouseClient& ch, const std::string& recipient);

// Applies every request recorded since `since_s` (Unix seconds; ClickHouse's clock) that this
// spool has not applied yet; returns how many it applied.
std::int64_t apply_forget_requests(clicklog::Database& db, ClickHouseClient& ch,
                                   clicklog::WriterPriority* priority, std::int64_t since_s,
                                   std::int64_t now_ms);
// Requests are looked for over this long when a shipper starts (README "Forgetting").
inline constexpr std::int64_t kForgetLookBackSeconds = 30 * 86400;

}  // namespace linktrack::analytics
