// Attribution cookies for a click: one per configured name whose field the link carries.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "token/fields.hpp"

namespace linktrack::http {

std::vector<std::string> attribution_cookies(const config::Cookies& cookies,
                                             const token::LinkFields& fields, bool secure);

}  // namespace linktrack::http
