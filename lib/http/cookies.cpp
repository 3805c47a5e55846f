#include "http/cookies.hpp"

namespace linktrack::http {
namespace {

// RFC 6265 cookie-octets pass as they are; anything else (spaces, quotes, commas, semicolons,
// backslashes, non-ASCII) is percent-encoded, which the customer's pages decode.
void append_cookie_value(std::string& out, const std::string& v) {
  static const char* hex = "0123456789ABCDEF";
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
}

}  // namespace

CookieAttributes CookieAttributes::of(const config::Cookies& c) {
  std::string common;
  if (!c.domain.empty()) common.append("; Domain=").append(c.domain);
  common.append("; Path=/; Max-Age=").append(std::to_string(c.max_age_seconds));
  return {common + "; SameSite=Lax", common + "; Secure; SameSite=Lax"};
}

std::vector<std::string> attribution_cookies(const config::Cookies& c,
                                             const CookieAttributes& attributes_of,
                                             const token::LinkFields& f, bool secure) {
  const std::string& attributes = secure ? attributes_of.secure : attributes_of.plain;
  std::vector<std::string> out;
  out.reserve(4);
  // Each cookie is built in one string, sized up front: this runs on every click.
  auto add = [&](const std::string& name, const std::optional<std::string>& value) {
    if (name.empty() || !value) return;
    std::string& cookie = out.emplace_back();
    cookie.reserve(name.size() + 1 + 3 * value->size() + attributes.size());
    cookie.append(name).push_back('=');
    append_cookie_value(cookie, *value);
    cookie.append(attributes);
  };
  add(c.names.campaign, f.campaign);
  add(c.names.template_id, f.template_id);
  add(c.names.message, f.message);
  add(c.names.recipient, f.recipient);
  return out;
}

}  // namespace linktrack::http
