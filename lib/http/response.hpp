// The decision for a request: what to answer, and which event, if any, to log.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clicklog/event.hpp"
#include "util/named_enum.hpp"

namespace linktrack::http {

// Routes and token rejections, named in metrics. `fallback`: a token that could not be
// honoured, answered with the domain's fallback_url (or the 404 / 410 page).
// clang-format off
#define LINKTRACK_ROUTES(X) \
  X(click) X(open) X(app) X(fallback) X(well_known) X(favicon) X(robots) X(healthz) \
  X(https_redirect) X(acme_challenge) X(other)
// clang-format on
LINKTRACK_NAMED_ENUM(Route, LINKTRACK_ROUTES)
#define LINKTRACK_REJECTIONS(X) \
  X(none) X(malformed) X(unknown_key) X(bad_tag) X(expired) X(bad_destination)
LINKTRACK_NAMED_ENUM(Rejection, LINKTRACK_REJECTIONS)

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
  int domain = -1;  // the index of the domain served in the snapshot's config; -1: none
  std::optional<clicklog::ClickEvent> event;
};

}  // namespace linktrack::http
