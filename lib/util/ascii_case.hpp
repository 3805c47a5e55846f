// ASCII case for protocol words (header values, schemes, host names): not locale-aware, on
// purpose, since these are defined as ASCII.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace linktrack::util {

// Not std::tolower: that is a call into the C library per character, through the locale's
// table (half a percent of a click's CPU in a profile, for the Host and Referer alone).
inline char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

inline std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) { return ascii_lower(c); });
  return s;
}

// `text` equals `lower`, a word already in lower case, ignoring the case of `text`.
inline bool equals_lower(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(),
                    [](char a, char b) { return ascii_lower(a) == b; });
}

}  // namespace linktrack::util
