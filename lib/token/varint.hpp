// Unsigned LEB128 varints: 7 bits a byte, low bits first, high bit set on all but the last.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linktrack::token {

inline void put_varint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads a varint from the front of `in` and advances it. Over-long or overflowing encodings
// are refused so each value has a single spelling.
inline std::optional<std::uint64_t> get_varint(std::string_view& in) {
  std::uint64_t v = 0;
  for (int shift = 0, i = 0; i < 10 && i < static_cast<int>(in.size()); ++i, shift += 7) {
    auto byte = static_cast<std::uint8_t>(in[i]);
    if (i == 9 && byte > 1) return std::nullopt;
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      if (byte == 0 && i > 0) return std::nullopt;  // trailing zero group: not minimal
      in.remove_prefix(i + 1);
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace linktrack::token
