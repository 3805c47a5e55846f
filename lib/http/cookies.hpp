// Attribution cookies for a click: one per configured name whose field the link carries.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "token/fields.hpp"

namespace linktrack::http {

// A domain's cookie attributes ("; Domain=…; Path=/; Max-Age=…; SameSite=Lax"), without and
// with "; Secure", made once when the config is loaded rather than on every click.
struct CookieAttributes {
  std::string plain, secure;
  static CookieAttributes of(const config::Cookies& cookies);
};

std::vector<std::string> attribution_cookies(const config::Cookies& cookies,
                                             const CookieAttributes& attributes,
                                             const token::LinkFields& fields, bool secure);

}  // namespace linktrack::http
