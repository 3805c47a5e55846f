#include "util/base64.hpp"

#include <openssl/evp.h>

#include <array>

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

// base64url characters in the standard alphabet, and 0 for anything that is not base64url.
constexpr std::array<char, 256> kUrlToStandard = [] {
  std::array<char, 256> t{};
  for (char c = 'A'; c <= 'Z'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'a'; c <= 'z'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = c;
  t['-'] = '+';
  t['_'] = '/';
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
  if (text.size() % 4 == 1) return std::nullopt;
  // Every click decodes a token: translate in one pass by table into a buffer already padded.
  std::string s(text.size() + (4 - text.size() % 4) % 4, '=');
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = kUrlToStandard[static_cast<unsigned char>(text[i])];
    if (c == 0) return std::nullopt;  // '+', '/', '=' and anything else are not base64url
    s[i] = c;
  }
  // Reject non-canonical encodings, so one token has exactly one spelling: the bits of the last
  // character beyond the final byte (4 of them after 2 characters, 2 after 3) must be zero.
  if (const std::size_t tail = text.size() % 4; tail != 0) {
    const char last = s[text.size() - 1];
    const int value = last >= 'A' && last <= 'Z'   ? last - 'A'
                      : last >= 'a' && last <= 'z' ? last - 'a' + 26
                      : last >= '0' && last <= '9' ? last - '0' + 52
                      : last == '+'                ? 62
                                                   : 63;
    if ((value & (tail == 2 ? 0x0f : 0x03)) != 0) return std::nullopt;
  }
  return decode_padded(s);
}

}  // namespace linktrack::util
