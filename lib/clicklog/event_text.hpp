// Events as text: JSON strings, RFC 3339 times, numbers and CSV cells, appended to a string
// without a format string or a JSON object per event (export, the API's pages and webhook
// batches format millions of events).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace linktrack::clicklog {

// A JSON string (RFC 8259), quoted. Text that is not UTF-8 gets U+FFFD for the bad bytes.
void append_json_string(std::string& out, std::string_view s);
// 2026-11-23T03:04:05.123Z
void append_rfc3339_ms(std::string& out, std::int64_t unix_ms);
std::string rfc3339_ms(std::int64_t unix_ms);
void append_integer(std::string& out, std::int64_t v);
// A CSV cell (RFC 4180); `text` cells that a spreadsheet would run as a formula are defused.
void append_csv_cell(std::string& line, std::string_view v, bool text);

}  // namespace linktrack::clicklog
