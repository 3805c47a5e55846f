// The API's endpoints, declared once: name (the metric label), method, path, the scope a key
// needs ("none": no key), the query parameters it takes (any other is refused with 400), and
// the function that answers it (endpoints.hpp). The router, the metrics and a unit test that
// holds openapi.json to this list follow from it.
#pragma once

#include <array>
#include <iterator>
#include <string_view>

#include "config/config.hpp"

namespace linktrack::api {

using Scope = config::ApiScope;

#define LINKTRACK_API_ROUTES(X)                                                                    \
  X(links, "POST", "/api/v1/links", mint, "", mint_links)                                          \
  X(rewrite, "POST", "/api/v1/rewrite", mint,                                                      \
    "domain campaign template message recipient sent_at open_pixel honeypot", rewrite_email)       \
  X(stats, "GET", "/api/v1/stats", read, "campaign host since until by estimate people",           \
    read_stats)                                                                                    \
  X(events, "GET", "/api/v1/events", read, "after limit since until campaign format", read_events) \
  X(forget, "POST", "/api/v1/forget", admin, "", forget)                                           \
  X(domains, "GET", "/api/v1/domains", read, "", list_domains)                                     \
  X(openapi, "GET", "/api/v1/openapi.json", none, "", serve_openapi)

// As util/named_enum.hpp makes them, from the first column.
#define LINKTRACK_API_ENDPOINT_VALUE_(name, ...) name,
#define LINKTRACK_API_ENDPOINT_NAME_(name, ...) #name,
enum class Endpoint { LINKTRACK_API_ROUTES(LINKTRACK_API_ENDPOINT_VALUE_) };
inline constexpr const char* kEndpointNames[] = {
    LINKTRACK_API_ROUTES(LINKTRACK_API_ENDPOINT_NAME_)};
inline constexpr std::size_t kEndpointCount = std::size(kEndpointNames);
constexpr const char* to_string(Endpoint e) {
  return kEndpointNames[static_cast<std::size_t>(e)];
}
#undef LINKTRACK_API_ENDPOINT_VALUE_
#undef LINKTRACK_API_ENDPOINT_NAME_

struct RouteSpec {
  Endpoint endpoint;
  std::string_view method;
  std::string_view path;
  Scope scope;
  std::string_view params;  // space-separated
};

#define LINKTRACK_API_ROUTE_SPEC_(name, method, path, scope, params, handler) \
  RouteSpec{Endpoint::name, method, path, Scope::scope, params},
inline constexpr std::array kRoutes{LINKTRACK_API_ROUTES(LINKTRACK_API_ROUTE_SPEC_)};
#undef LINKTRACK_API_ROUTE_SPEC_

constexpr const char* to_string(Scope s) {
  return s == Scope::mint    ? "mint"
         : s == Scope::read  ? "read"
         : s == Scope::admin ? "admin"
                             : "none";
}

}  // namespace linktrack::api
