// The decision for a request: what to answer, and which event, if any, to log.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clicklog/event.hpp"

namespace linktrack::http {

// Routes and token rejections, for metrics.
enum class Route { click, open, app, well_known, favicon, robots, healthz, https_redirect, other };
enum class Rejection { none, malformed, unknown_key, bad_tag, expired, bad_destination };
const char* to_string(Route r);
const char* to_string(Rejection r);

struct Response {
  unsigned status = 200;
  std::string_view content_type;  // always a constant: no allocation per response
  std::string body;
  std::string location;  // for 3xx
  std::vector<std::string> set_cookies;
  std::vector<std::pair<std::string, std::string>> headers;  // anything else
  bool no_store = false;
  bool head_only = false;  // a HEAD request: headers as for GET, no body
  Route route = Route::other;
  Rejection rejection = Rejection::none;
  std::optional<clicklog::ClickEvent> event;
};

}  // namespace linktrack::http
