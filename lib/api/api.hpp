// The admin API (README "Admin API"): a request in, a response out. Pure but for the click log,
// which it reaches through the context's connections; the server runs it on threads of its own,
// never on an I/O thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "analytics/clickhouse_client.hpp"
#include "api/keys.hpp"
#include "api/routes.hpp"
#include "clicklog/database.hpp"
#include "config/config.hpp"
#include "http/response.hpp"

namespace linktrack::api {

struct ApiRequest {
  std::string_view method;
  std::string_view target;         // path and query
  std::string_view authorization;  // the header, empty when absent
  std::string_view body;
};

struct Context {
  const config::Config& config;
  std::int64_t now_ms = 0;
  // The click log: a read-only connection, and a read-write one (forget), opened on first use.
  std::function<clicklog::Database&()> reader;
  std::function<clicklog::Database&()> writer;
  // With analytics.clickhouse: a client for it, made on first use; stats, events and forget
  // then see every node's events.
  std::function<analytics::ClickHouseClient&()> clickhouse;
};

struct Outcome {
  http::Response response;
  std::optional<Endpoint> endpoint;  // when the path named one
  std::string caller;                // the key's id, when one was given and known
};

Outcome handle(const ApiRequest& request, Context& context, const KeyTable& keys);

// The same routes and scopes for a caller already identified (the dashboard's session, signed
// in with a key): what the dashboard shows is what the API answers.
Outcome handle_as(const ApiRequest& request, Context& context, const Caller& caller);

// The OpenAPI 3.1 document (lib/api/openapi.json, compiled in).
const char* openapi_document();

}  // namespace linktrack::api
