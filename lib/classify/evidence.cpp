#include "classify/evidence.hpp"

#include <algorithm>

namespace linktrack::classify {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII case-insensitive search for a lower-case `word` (header tokens are ASCII; Boost's
// icontains goes through std::locale for every call, which is most of this function's cost).
bool has(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  return std::search(text.begin(), text.end(), word.begin(), word.end(),
                     [](char a, char b) { return lower(a) == b; }) != text.end();
}

}  // namespace

std::uint32_t evidence_of(const RequestHeaders& h) {
  std::uint32_t bits = 0;
  if (!h.accept.empty()) bits |= evidence::accept;
  if (!h.accept_language.empty()) bits |= evidence::accept_language;
  if (!h.sec_fetch_mode.empty()) {
    bits |= evidence::sec_fetch;
    if (h.sec_fetch_mode.size() == 8 && has(h.sec_fetch_mode, "navigate"))
      bits |= evidence::navigate;
  }
  // Sec-Purpose (Fetch: "prefetch", "prefetch;prerender"), Purpose / X-Purpose (Chrome before
  // Sec-Purpose, Safari: "prefetch", "preview"), X-Moz (Firefox: "prefetch").
  if (has(h.sec_purpose, "prefetch") || has(h.purpose, "prefetch") || has(h.x_purpose, "preview") ||
      has(h.x_purpose, "prefetch") || has(h.x_moz, "prefetch"))
    bits |= evidence::prefetch;
  if (h.secure) bits |= evidence::secure;
  return bits;
}

}  // namespace linktrack::classify
