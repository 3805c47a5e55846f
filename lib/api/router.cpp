#include <spdlog/spdlog.h>

#include "api/api.hpp"
#include "api/endpoints.hpp"
#include "api/error.hpp"

namespace linktrack::api {
namespace {

using Handler = http::Response (*)(const ApiRequest&, const QueryParams&, Context&);

#define LINKTRACK_API_HANDLER_(name, method, path, scope, params, handler) handler,
constexpr std::array<Handler, kEndpointCount> kHandlers = {
    LINKTRACK_API_ROUTES(LINKTRACK_API_HANDLER_)};
#undef LINKTRACK_API_HANDLER_

http::Response unauthorized(std::string_view message) {
  auto r = error_response(401, "unauthorized", message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"linktrack\"");
  return r;
}

// Who calls: a key table to look the bearer secret up in, or a caller already known (a UI
// session's key).
struct Credentials {
  const KeyTable* keys = nullptr;
  const Caller* caller = nullptr;
};

void route(const ApiRequest& req, Context& ctx, Credentials who, Outcome& out) {
  const auto path = req.target.substr(0, req.target.find('?'));
  const auto query = req.target.size() > path.size() ? req.target.substr(path.size() + 1) : "";
  const RouteSpec* spec = nullptr;
  for (const auto& r : kRoutes)
    if (r.path == path) spec = &r;
  if (!spec) {
    out.response = error_response(
        404, "not_found",
        "no endpoint " + std::string(path) + " (the document: /api/v1/openapi.json)");
    return;
  }
  out.endpoint = spec->endpoint;
  if (req.method != spec->method) {
    out.response = error_response(405, "method_not_allowed",
                                  std::string(path) + " takes " + std::string(spec->method));
    out.response.headers.emplace_back("Allow", std::string(spec->method));
    return;
  }
  if (spec->scope != Scope::none) {
    std::optional<Caller> found;
    const Caller* caller = who.caller;
    if (!caller) {
      if (who.keys->empty()) {
        out.response = unauthorized("no API keys are configured (api.keys)");
        return;
      }
      auto secret = bearer_token(req.authorization);
      if (!secret) {
        out.response = unauthorized("send a key: Authorization: Bearer <secret>");
        return;
      }
      found = who.keys->find(*secret);
      if (!found) {
        out.response = unauthorized("the key is not valid");
        return;
      }
      caller = &*found;
    }
    out.caller = caller->id;
    if (!caller->may(spec->scope)) {
      out.response = error_response(403, "forbidden",
                                    "key '" + caller->id + "' lacks the " + to_string(spec->scope) +
                                        " scope that " + std::string(path) + " needs");
      return;
    }
  }
  const QueryParams params(query, spec->params);
  out.response = kHandlers[static_cast<std::size_t>(spec->endpoint)](req, params, ctx);
}

Outcome handle_with(const ApiRequest& request, Context& context, Credentials who) {
  Outcome out;
  try {
    route(request, context, who, out);
  } catch (const ApiError& e) {
    out.response = error_response(e.status(), e.code(), e.what());
  } catch (const clicklog::DatabaseError& e) {
    spdlog::error("api: the click log failed: {}", e.what());
    out.response = error_response(503, "store_unavailable", "the click log cannot be read now");
    out.response.headers.emplace_back("Retry-After", "5");
  } catch (const analytics::ClickHouseError& e) {
    spdlog::error("api: ClickHouse failed: {}", e.what());
    out.response = error_response(503, "store_unavailable", "ClickHouse cannot be read now");
    out.response.headers.emplace_back("Retry-After", "5");
  } catch (const std::exception& e) {
    spdlog::error("api: {} {} failed: {}", request.method,
                  request.target.substr(0, request.target.find('?')), e.what());
    out.response = error_response(500, "internal", "the request failed; the server log says why");
  }
  out.response.no_store = true;
  return out;
}

}  // namespace

http::Response serve_openapi(const ApiRequest&, const QueryParams&, Context&) {
  auto r = json_response(openapi_document());
  r.body.pop_back();  // the document ends with its own newline
  return r;
}

Outcome handle(const ApiRequest& request, Context& context, const KeyTable& keys) {
  return handle_with(request, context, {&keys, nullptr});
}

Outcome handle_as(const ApiRequest& request, Context& context, const Caller& caller) {
  return handle_with(request, context, {nullptr, &caller});
}

}  // namespace linktrack::api
