// Every event out of the log, as NDJSON or spreadsheet-ready CSV: streamed in id order in
// short read slices, so memory stays flat and a long export never holds the writer back.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "clicklog/database.hpp"

namespace linktrack::clicklog {

struct ExportQuery {
  std::optional<std::int64_t> since_ms, until_ms;  // [since, until)
  std::optional<std::string> campaign;
};

enum class ExportFormat { ndjson, csv };

// Returns the number of events written.
std::int64_t export_events(Database& db, const ExportQuery& q, ExportFormat format,
                           std::ostream& out);

// 2026-11-23T03:04:05.123Z
std::string rfc3339_ms(std::int64_t unix_ms);

}  // namespace linktrack::clicklog
