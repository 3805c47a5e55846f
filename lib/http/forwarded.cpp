#include "http/forwarded.hpp"

#include <cctype>

#include "util/ascii_case.hpp"

namespace linktrack::http {
namespace {

bool tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

// token or quoted-string; false when neither.
bool take_value(std::string_view& s, std::string_view& out) {
  if (!s.empty() && s.front() == '"') {
    const auto close = s.find('"', 1);
    if (close == std::string_view::npos) return false;
    out = s.substr(1, close - 1);
    if (out.find('\\') != std::string_view::npos) return false;  // escapes: not a node or host
    s.remove_prefix(close + 1);
    return true;
  }
  std::size_t n = 0;
  while (n < s.size() && tchar(s[n])) ++n;
  if (n == 0) return false;
  out = s.substr(0, n);
  s.remove_prefix(n);
  return true;
}

}  // namespace

std::vector<ForwardedElement> parse_forwarded(std::string_view s) {
  std::vector<ForwardedElement> out;
  ForwardedElement element;
  bool element_open = false;
  skip_spaces(s);
  while (!s.empty()) {
    std::size_t n = 0;
    while (n < s.size() && tchar(s[n])) ++n;
    if (n == 0 || n >= s.size() || s[n] != '=') return {};
    const std::string_view name = s.substr(0, n);
    s.remove_prefix(n + 1);
    std::string_view value;
    if (!take_value(s, value)) return {};
    if (util::equals_lower(name, "for"))
      element.for_node = value;
    else if (util::equals_lower(name, "proto"))
      element.proto = value;
    else if (util::equals_lower(name, "host"))
      element.host = value;
    element_open = true;
    skip_spaces(s);
    if (s.empty()) break;
    if (s.front() == ';') {
      s.remove_prefix(1);
    } else if (s.front() == ',') {
      s.remove_prefix(1);
      out.push_back(element);
      element = {};
      element_open = false;
    } else {
      return {};
    }
    skip_spaces(s);
  }
  if (element_open) out.push_back(element);
  return out;
}

}  // namespace linktrack::http
