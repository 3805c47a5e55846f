#include "analytics/tsv_text.hpp"

#include <nlohmann/json.hpp>

#include "clicklog/event_text.hpp"
#include "util/utf8.hpp"

namespace linktrack::analytics {

namespace {

// Escapes what TabSeparated needs escaped, and ' as well when `quote` (inside an array).
void escape(std::string& out, std::string_view s, bool quote) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char* e = nullptr;
    switch (c) {
      case '\\':
        e = "\\\\";
        break;
      case '\t':
        e = "\\t";
        break;
      case '\n':
        e = "\\n";
        break;
      case '\r':
        e = "\\r";
        break;
      case '\0':
        e = "\\0";
        break;
      case '\b':
        e = "\\b";
        break;
      case '\f':
        e = "\\f";
        break;
      case '\'':
        e = quote ? "\\'" : nullptr;
        break;
      default:
        break;
    }
    if (!e) continue;
    out.append(s, run, i - run);
    out += e;
    run = i + 1;
  }
  out.append(s, run, s.size() - run);
}

bool ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// The text with U+FFFD for every byte that is not UTF-8: nlohmann's replacing dump, read back.
std::string repaired(std::string_view s) {
  return nlohmann::json::parse(nlohmann::json(std::string(s))
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

void append_text(std::string& out, std::string_view s, bool quote) {
  if (ascii(s) || util::is_utf8(s))
    escape(out, s, quote);
  else
    escape(out, repaired(s), quote);
}

}  // namespace

void append_tsv_datetime(std::string& out, std::int64_t unix_ms) {
  const auto at = out.size();
  clicklog::append_rfc3339_ms(out, unix_ms);  // 2026-11-23T03:04:05.123Z
  out[at + 10] = ' ';
  out.resize(at + 19);
}

void append_tsv_string(std::string& out, std::string_view s) {
  append_text(out, s, false);
}

void append_tsv_array(std::string& out, const std::vector<std::string_view>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i ? ",'" : "'";
    append_text(out, items[i], true);
    out += '\'';
  }
  out += ']';
}

}  // namespace linktrack::analytics
