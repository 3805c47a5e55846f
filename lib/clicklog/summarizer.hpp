// Keeps the summary (migrations/0006_summary.sql) current: recomputes the hours marked dirty,
// then adds the events logged since it last ran. Each step is one short write transaction, so
// the click writer is only ever held off for one; the server runs it beside the front end
// (server/summary_service.hpp), and after a restart it goes on from its cursor.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "clicklog/database.hpp"
#include "clicklog/writer_priority.hpp"

namespace linktrack::clicklog {

struct SummaryProgress {
  std::int64_t events = 0;  // new events summarized by this step
  std::int64_t hours_recomputed = 0;
  std::int64_t after_id = 0;     // every event up to this id is in the summary
  std::int64_t newest_id = 0;    // the log's newest event id when the step ran
  std::int64_t dirty_hours = 0;  // hours still to recompute after the step
};

// One step: at most `max_hours` dirty hours, then at most `max_events` new events. With
// `priority` (a background thread at idle priority), listed as a holder while it holds the
// write lock, so the click writer that waits for it raises it (WriterPriority::hold).
SummaryProgress summarize_step(Database& db, std::int64_t max_events = 20000,
                               std::int64_t max_hours = 4, WriterPriority* priority = nullptr);

// Marks the hours of events about to change (re-scoring) or go (forget) for recomputing, in the
// caller's transaction. `where` selects the events ("id = ?", with `bind` binding its values).
// Does nothing on a log from before the summary.
void mark_hours_dirty(Database& db, const char* where, const std::function<void(Statement&)>& bind);

// The same for events known by their times (the re-scorer has them at hand).
void mark_times_dirty(Database& db, const std::vector<std::int64_t>& times_ms);

// The summary's cursor: every event up to this id is summarized.
std::int64_t summary_after_id(Database& db);

}  // namespace linktrack::clicklog
