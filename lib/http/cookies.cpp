#include "http/cookies.hpp"

namespace linktrack::http {
namespace {

// RFC 6265 cookie-octets pass as they are; anything else (spaces, quotes, commas, semicolons,
// backslashes, non-ASCII) is percent-encoded, which the customer's pages decode.
std::string cookie_value(const std::string& v) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    bool octet = c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
                 (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
    if (octet && c != '%') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> attribution_cookies(const config::Cookies& c, const token::LinkFields& f,
                                             bool secure) {
  std::vector<std::string> out;
  std::string attributes;
  if (!c.domain.empty()) attributes += "; Domain=" + c.domain;
  attributes += "; Path=/; Max-Age=" + std::to_string(c.max_age_seconds);
  if (secure) attributes += "; Secure";
  attributes += "; SameSite=Lax";
  auto add = [&](const std::string& name, const std::optional<std::string>& value) {
    if (!name.empty() && value) out.push_back(name + "=" + cookie_value(*value) + attributes);
  };
  add(c.names.campaign, f.campaign);
  add(c.names.template_id, f.template_id);
  add(c.names.message, f.message);
  add(c.names.recipient, f.recipient);
  return out;
}

}  // namespace linktrack::http
