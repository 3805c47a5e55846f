// Every event out of the log, as NDJSON or spreadsheet-ready CSV: streamed in id order in
// short read slices, so memory stays flat and a long export never holds the writer back.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "clicklog/database.hpp"
#include "clicklog/event_text.hpp"

namespace linktrack::clicklog {

struct ExportQuery {
  std::optional<std::int64_t> since_ms, until_ms;  // [since, until)
  std::optional<std::string> campaign;
  std::int64_t after_id = 0;          // events with a larger id only: a cursor
  std::optional<std::int64_t> limit;  // at most this many
  std::string node_id;                // the node part of the ids (clicklog/node_id.hpp)
};

struct ExportResult {
  std::int64_t events = 0;
  std::int64_t last_id = 0;  // of the last event written; the query's after_id when none was
};

enum class ExportFormat { ndjson, csv };

// Ids only grow (migrations/0003), so paging by last_id sees every event once, also while the
// writer adds more.
ExportResult export_events(Database& db, const ExportQuery& q, ExportFormat format,
                           std::ostream& out);
// The same, appended to `out` (a page of the API, built whole).
ExportResult export_events(Database& db, const ExportQuery& q, ExportFormat format,
                           std::string& out);

}  // namespace linktrack::clicklog
