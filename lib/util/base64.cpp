#include "util/base64.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace linktrack::util {

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

namespace {

// OpenSSL's decoder on whole, padded standard base64.
std::optional<std::string> decode_padded(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding bytes as output; drop them.
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

// base64url's alphabet to the 6 bits each character stands for; 0xff for anything else.
constexpr std::array<std::uint8_t, 256> kUrlValues = [] {
  std::array<std::uint8_t, 256> t{};
  t.fill(0xff);
  for (int i = 0; i < 26; ++i) {
    t[static_cast<unsigned char>('A' + i)] = static_cast<std::uint8_t>(i);
    t[static_cast<unsigned char>('a' + i)] = static_cast<std::uint8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i)
    t[static_cast<unsigned char>('0' + i)] = static_cast<std::uint8_t>(52 + i);
  t['-'] = 62;
  t['_'] = 63;
  return t;
}();

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
  return decode_padded(text);
}

std::string base64url_encode(std::string_view bytes) {
  std::string s = base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+')
      c = '-';
    else if (c == '/')
      c = '_';
  }
  return s;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // By table, in one pass, into the result: every click decodes a token, and OpenSSL's decoder
  // wants the standard alphabet, padded, in a second buffer (twice the instructions).
  const std::size_t tail = text.size() % 4;
  if (tail == 1) return std::nullopt;
  std::string out(text.size() / 4 * 3 + (tail ? tail - 1 : 0), '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  const auto bits = [&](std::size_t i) -> std::uint32_t {
    return kUrlValues[static_cast<unsigned char>(text[i])];
  };
  std::size_t i = 0;
  for (; i + 4 <= text.size(); i += 4) {
    const std::uint32_t a = bits(i), b = bits(i + 1), c = bits(i + 2), d = bits(i + 3);
    if ((a | b | c | d) & 0x80)
      return std::nullopt;  // '+', '/', '=' and the like are not base64url
    const std::uint32_t v = a << 18 | b << 12 | c << 6 | d;
    *o++ = static_cast<unsigned char>(v >> 16);
    *o++ = static_cast<unsigned char>(v >> 8);
    *o++ = static_cast<unsigned char>(v);
  }
  if (tail != 0) {
    const std::uint32_t a = bits(i), b = bits(i + 1), c = tail == 3 ? bits(i + 2) : 0;
    if ((a | b | c) & 0x80) return std::nullopt;
    // Non-canonical encodings are refused, so that one token has exactly one spelling: the bits
    // of the last character beyond the final byte (4 of them after 2 characters, 2 after 3)
    // must be zero.
    if ((tail == 2 ? b & 0x0f : c & 0x03) != 0) return std::nullopt;
    const std::uint32_t v = a << 18 | b << 12 | c << 6;
    *o++ = static_cast<unsigned char>(v >> 16);
    if (tail == 3) *o++ = static_cast<unsigned char>(v >> 8);
  }
  return out;
}

}  // namespace linktrack::util
