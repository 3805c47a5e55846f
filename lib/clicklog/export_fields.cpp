#include "clicklog/export_fields.hpp"

#include <algorithm>

#include "classify/classifier.hpp"

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

void EventFormatter::json_reasons(std::string& out, std::string_view reasons) const {
  out += '[';
  bool first = true;
  for (auto r : classify::split_reasons(reasons)) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, r);
  }
  out += ']';
}

void EventFormatter::csv_reasons(std::string& out, std::string_view reasons) const {
  std::string joined(reasons);
  std::replace(joined.begin(), joined.end(), ' ', ';');
  append_csv_cell(out, joined, true);
}

}  // namespace linktrack::clicklog
