// The fields of an exported event, declared once: export's header row and JSON names, the
// SELECT that reads them, the API's pages and the events of webhook batches follow from it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "clicklog/database.hpp"

namespace linktrack::clicklog {

enum class FieldShape {
  event_id,  // the local id, exported as "NODE:LOCAL": unique across nodes
  text,
  time,     // Unix milliseconds, exported as RFC 3339
  reasons,  // space-separated in the log; a list in JSON, ';'-separated in CSV
};
struct ExportField {
  const char* name;
  const char* expression;  // over `events`
  FieldShape shape;
};
inline constexpr ExportField kExportFields[] = {
    {"id", "id", FieldShape::event_id},         {"time", "time_ms", FieldShape::time},
    {"kind", "kind", FieldShape::text},         {"host", "host", FieldShape::text},
    {"campaign", "campaign", FieldShape::text}, {"template", "template", FieldShape::text},
    {"message", "message", FieldShape::text},   {"recipient", "recipient", FieldShape::text},
    {"link", "link", FieldShape::text},         {"destination", "destination", FieldShape::text},
    {"ip", "client_ip", FieldShape::text},      {"user_agent", "user_agent", FieldShape::text},
    {"referer", "referer", FieldShape::text},   {"sent_at", "sent_at * 1000", FieldShape::time},
    {"verdict", "verdict", FieldShape::text},   {"reasons", "reasons", FieldShape::reasons},
};
inline constexpr std::size_t kExportFieldCount = std::size(kExportFields);

// "id, time_ms, …": the fields' expressions, in order, for a SELECT over `events`; with a
// table name or alias, each qualified by it ("e.id, e.time_ms, …").
std::string export_columns(std::string_view table = {});
// "id,time,…" and a line break: the CSV header.
std::string export_csv_header();

// Formats rows whose first columns are the export fields in order.
class EventFormatter {
 public:
  explicit EventFormatter(std::string node_id);
  // {"id":"NODE:LOCAL",…}, no line break.
  void json_object(std::string& out, const Statement& row) const;
  void csv_row(std::string& out, const Statement& row) const;
  // NODE:LOCAL
  void event_id(std::string& out, std::int64_t local) const;

 private:
  std::string node_id_;
  std::array<std::string, kExportFieldCount> keys_;  // ,"name": for each field, made once
};

}  // namespace linktrack::clicklog
