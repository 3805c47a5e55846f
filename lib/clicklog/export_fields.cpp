#include "clicklog/export_fields.hpp"

#include <algorithm>

#include "classify/classifier.hpp"
#include "clicklog/event_text.hpp"

namespace linktrack::clicklog {

std::string export_columns(std::string_view table) {
  std::string columns;
  // Every expression starts with its column's name: qualifying that is enough.
  const std::string prefix = table.empty() ? std::string() : std::string(table) + ".";
  for (const auto& f : kExportFields)
    columns += (columns.empty() ? "" : ", ") + prefix + std::string(f.expression);
  return columns;
}

std::string export_csv_header() {
  std::string header;
  for (const auto& f : kExportFields) header += (header.empty() ? "" : ",") + std::string(f.name);
  return header + "\r\n";
}

EventFormatter::EventFormatter(std::string node_id) : node_id_(std::move(node_id)) {
  for (std::size_t c = 0; c < keys_.size(); ++c)
    keys_[c] = (c ? ",\"" : "\"") + std::string(kExportFields[c].name) + "\":";
}

void EventFormatter::event_id(std::string& out, std::int64_t local) const {
  out += node_id_;
  out += ':';
  append_integer(out, local);
}

void EventFormatter::json_object(std::string& out, const Statement& row) const {
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
        event_id(out, row.int64(c));
        out += '"';
        break;
      case FieldShape::time:
        out += '"';
        append_rfc3339_ms(out, row.int64(c));
        out += '"';
        break;
      case FieldShape::reasons: {
        out += '[';
        bool first = true;
        for (auto r : classify::split_reasons(row.text_view(c))) {
          if (!first) out += ',';
          first = false;
          append_json_string(out, r);
        }
        out += ']';
        break;
      }
      case FieldShape::text:
        append_json_string(out, row.text_view(c));
        break;
    }
  }
  out += '}';
}

void EventFormatter::csv_row(std::string& out, const Statement& row) const {
  for (int c = 0; c < static_cast<int>(kExportFieldCount); ++c) {
    const auto& f = kExportFields[c];
    if (c) out += ',';
    if (row.is_null(c)) continue;
    switch (f.shape) {
      case FieldShape::event_id:
        event_id(out, row.int64(c));
        break;
      case FieldShape::time:
        append_rfc3339_ms(out, row.int64(c));
        break;
      case FieldShape::reasons: {
        std::string joined = row.text(c);
        std::replace(joined.begin(), joined.end(), ' ', ';');
        append_csv_cell(out, joined, true);
        break;
      }
      case FieldShape::text:
        append_csv_cell(out, row.text_view(c), true);
        break;
    }
  }
  out += "\r\n";
}

}  // namespace linktrack::clicklog
