// ASCII case for protocol words (header values, schemes, host names): not locale-aware, on
// purpose, since these are defined as ASCII.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace linktrack::util {

inline char ascii_lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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
