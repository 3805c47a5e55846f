// The fields of an exported event, declared once: export's header row and JSON names, the
// SELECT that reads them, the API's pages and the events of webhook batches follow from it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "clicklog/database.hpp"
#include "clicklog/event_text.hpp"

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

// Formats rows whose first columns are the export fields in order. A row is a Statement, or
// anything with is_null(c), int64(c) and text_view(c) (times in Unix ms, reasons as the log
// keeps them: space-separated); a row that carries whole ids (another node's) has
// event_id_text(c).
class EventFormatter {
 public:
  explicit EventFormatter(std::string node_id);
  // {"id":"NODE:LOCAL",…}, no line break.
  template <class Row>
  void json_object(std::string& out, const Row& row) const;
  template <class Row>
  void csv_row(std::string& out, const Row& row) const;
  // NODE:LOCAL
  void event_id(std::string& out, std::int64_t local) const;

 private:
  template <class Row>
  void id_of(std::string& out, const Row& row, int c) const {
    if constexpr (requires { row.event_id_text(c); })
      out += row.event_id_text(c);
    else
      event_id(out, row.int64(c));
  }
  void json_reasons(std::string& out, std::string_view reasons) const;
  void csv_reasons(std::string& out, std::string_view reasons) const;

  std::string node_id_;
  std::array<std::string, kExportFieldCount> keys_;  // ,"name": for each field, made once
};

template <class Row>
void EventFormatter::json_object(std::string& out, const Row& row) const {
  out += '{';
  for (int c = 0; c < static_cast<int>(kExportFieldCount); ++c) {
    const auto& f = kExportFields[c];
    out += keys_[c];
    if (row.is_null(c)) {
      out += f.shape == FieldShape::reasons ? "[]" : "null";
      continue;
    }
    switch (f.shape) {
      case FieldShape::event_id:
        out += '"';
        id_of(out, row, c);
        out += '"';
        break;
      case FieldShape::time:
        out += '"';
        append_rfc3339_ms(out, row.int64(c));
        out += '"';
        break;
      case FieldShape::reasons:
        json_reasons(out, row.text_view(c));
        break;
      case FieldShape::text:
        append_json_string(out, row.text_view(c));
        break;
    }
  }
  out += '}';
}

template <class Row>
void EventFormatter::csv_row(std::string& out, const Row& row) const {
  for (int c = 0; c < static_cast<int>(kExportFieldCount); ++c) {
    const auto& f = kExportFields[c];
    if (c) out += ',';
    if (row.is_null(c)) continue;
    switch (f.shape) {
      case FieldShape::event_id:
        id_of(out, row, c);
        break;
      case FieldShape::time:
        append_rfc3339_ms(out, row.int64(c));
        break;
      case FieldShape::reasons:
        csv_reasons(out, row.text_view(c));
        break;
      case FieldShape::text:
        append_csv_cell(out, row.text_view(c), true);
        break;
    }
  }
  out += "\r\n";
}

}  // namespace linktrack::clicklog
