// One link to mint, as JSON: a line of `sign --batch` and an item of POST /api/v1/links, read by
// the same code so that both follow the same rules.
//
//   {"domain": "links.example.com", "url": "https://…", "campaign": "c1", "template": "t",
//    "message": "m", "recipient": "r", "link": "3", "expires": "30d", "sent_at": 1790000000,
//    "open": false, "honeypot": false}
//
// Ids are strings or integers; `expires` a span (30d, 12h, 45m, seconds) after `sent_at`;
// `sent_at` Unix seconds or an RFC 3339 time (default: now).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "token/fields.hpp"

namespace linktrack::mint {

struct LinkItem {
  std::optional<std::string> domain;  // absent: the caller's default
  token::LinkFields fields;
};

// Throws std::invalid_argument naming the field that is wrong (an unknown field included).
// Boost.JSON rather than nlohmann: a 10,000-link request is parsed about three times faster.
LinkItem link_item_from_json(const boost::json::value& j, std::int64_t now_seconds);

}  // namespace linktrack::mint
