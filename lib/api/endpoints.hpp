// One function per endpoint of routes.hpp; the router has checked the method, the key and its
// scope. Each throws ApiError for a request it refuses.
#pragma once

#include <boost/json/value.hpp>

#include "api/api.hpp"
#include "api/query.hpp"

namespace linktrack::api {

http::Response mint_links(const ApiRequest& request, const QueryParams& query, Context& context);
http::Response rewrite_email(const ApiRequest& request, const QueryParams& query, Context& context);
http::Response read_stats(const ApiRequest& request, const QueryParams& query, Context& context);
http::Response read_events(const ApiRequest& request, const QueryParams& query, Context& context);
http::Response forget(const ApiRequest& request, const QueryParams& query, Context& context);
http::Response list_domains(const ApiRequest& request, const QueryParams& query, Context& context);
http::Response serve_openapi(const ApiRequest& request, const QueryParams& query, Context& context);

// The body as JSON, or ApiError (400) naming where it stops being JSON.
boost::json::value parse_body(std::string_view body);

}  // namespace linktrack::api
