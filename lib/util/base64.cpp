#include "util/base64.hpp"

#include <openssl/evp.h>

namespace linktrack::util {

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
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
  std::string s;
  s.reserve(text.size() + 3);
  for (char c : text) {
    if (c == '-')
      s.push_back('+');
    else if (c == '_')
      s.push_back('/');
    else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      s.push_back(c);
    else
      return std::nullopt;  // '+', '/', '=' and anything else are not base64url
  }
  // Reject non-canonical encodings, so one token has exactly one spelling: the bits of the last
  // character beyond the final byte (4 of them after 2 characters, 2 after 3) must be zero.
  if (const std::size_t tail = text.size() % 4; tail != 0) {
    const char last = s.back();
    const int value = last >= 'A' && last <= 'Z'   ? last - 'A'
                      : last >= 'a' && last <= 'z' ? last - 'a' + 26
                      : last >= '0' && last <= '9' ? last - '0' + 52
                      : last == '+'                ? 62
                                                   : 63;
    if ((value & (tail == 2 ? 0x0f : 0x03)) != 0) return std::nullopt;
  }
  while (s.size() % 4 != 0) s.push_back('=');
  return base64_decode(s);
}

}  // namespace linktrack::util
