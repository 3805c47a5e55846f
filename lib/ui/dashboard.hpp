// The dashboard (README "Dashboard"): `/ui` on the admin listener. A request in, a response
// out; sessions in the table given, numbers through the API's endpoints (ui/numbers.hpp).
#pragma once

#include <string>

#include "api/api.hpp"
#include "http/response.hpp"
#include "ui/request.hpp"
#include "ui/session_table.hpp"

namespace linktrack::ui {

// The dashboard's routes, declared once: name (the metric label), method, path, and whether a
// session is needed. Static files (ui/assets.hpp) are beside them.
// clang-format off
#define LINKTRACK_UI_ROUTES(X)                    \
  X(signin_form, "GET",  "/ui/signin",   false)   \
  X(signin,      "POST", "/ui/signin",   false)   \
  X(signout,     "POST", "/ui/signout",  true)    \
  X(overview,    "GET",  "/ui",          true)    \
  X(campaign,    "GET",  "/ui/campaign", true)    \
  X(machines,    "GET",  "/ui/machines", true)    \
  X(domains,     "GET",  "/ui/domains",  true)    \
  X(licenses,    "GET",  "/ui/licenses", true)    \
  X(live,        "GET",  "/ui/live",     true)    \
  X(export_file, "GET",  "/ui/export",   true)
// clang-format on
#define LINKTRACK_UI_ROUTE_NAME_(name, ...) #name,
inline constexpr const char* kUiRouteNames[] = {
    LINKTRACK_UI_ROUTES(LINKTRACK_UI_ROUTE_NAME_) "static", "other"};
#undef LINKTRACK_UI_ROUTE_NAME_
inline constexpr std::size_t kUiRouteCount = std::size(kUiRouteNames);

struct UiOutcome {
  http::Response response;
  std::size_t route = kUiRouteCount - 1;  // index into kUiRouteNames
  std::string key_id;                     // the session's key, when there was one
};

// Is this path the dashboard's (or a file it serves)?
bool is_dashboard_path(std::string_view path);

UiOutcome handle(const UiRequest& request, api::Context& context, const api::KeyTable& keys,
                 SessionTable& sessions);

// Whether a session's key is still in the config with the read scope (after a reload).
bool session_allowed(const config::Config& config, const Session& session);

}  // namespace linktrack::ui
