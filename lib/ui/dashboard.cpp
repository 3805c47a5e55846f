#include "ui/dashboard.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "ui/assets.hpp"
#include "ui/html.hpp"
#include "ui/numbers.hpp"
#include "ui/page.hpp"

namespace linktrack::ui {
namespace {

constexpr const char* kSessionCookie = "linktrack_session";
constexpr const char* kSigninCookie = "linktrack_signin";  // the sign-in form's CSRF token
constexpr const char* kZoneCookie = "linktrack_tz";

enum class Route {
#define LINKTRACK_UI_ROUTE_VALUE_(name, ...) name,
  LINKTRACK_UI_ROUTES(LINKTRACK_UI_ROUTE_VALUE_)
#undef LINKTRACK_UI_ROUTE_VALUE_
      static_file,
  other
};

struct RouteSpec {
  Route route;
  std::string_view method, path;
  bool needs_session;
};
#define LINKTRACK_UI_ROUTE_SPEC_(name, method, path, session) \
  RouteSpec{Route::name, method, path, session},
constexpr RouteSpec kRoutes[] = {LINKTRACK_UI_ROUTES(LINKTRACK_UI_ROUTE_SPEC_)};
#undef LINKTRACK_UI_ROUTE_SPEC_

// Every answer of the dashboard: nothing but its own files, no framing, no sniffing.
void harden(http::Response& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; "
                         "img-src 'self'; connect-src 'self'; form-action 'self'; "
                         "frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
}

std::string cookie(const UiRequest& req, std::string_view name, std::string_view value,
                   bool http_only = true, bool expire = false) {
  return fmt::format("{}={}; Path=/ui; SameSite=Strict{}{}{}", name, value,
                     http_only ? "; HttpOnly" : "", req.tls ? "; Secure" : "",
                     expire ? "; Max-Age=0" : "");
}

http::Response html(unsigned status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.no_store = true;
  return r;
}

http::Response plain(unsigned status, std::string text) {
  http::Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text);
  r.no_store = true;
  return r;
}

http::Response see_other(std::string location) {
  http::Response r;
  r.status = 303;
  r.location = std::move(location);
  r.no_store = true;
  return r;
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// A form may come only from this dashboard's own pages: a browser's Origin, when sent, must be
// this listener's. (Browsers send it with every POST; a client that sends none still needs the
// form's token.)
bool from_here(const UiRequest& req) {
  if (req.origin.empty()) return true;
  return req.origin == std::string(req.tls ? "https://" : "http://") + std::string(req.host);
}

// Where to go after signing in: a dashboard path only, never elsewhere.
std::string safe_next(std::string_view next) {
  if (next == "/ui" || (next.starts_with("/ui/") || next.starts_with("/ui?")))
    if (next.find("//") == std::string_view::npos && next.find('\\') == std::string_view::npos)
      return std::string(next);
  return "/ui";
}

std::optional<Session> current_session(const UiRequest& req, const config::Config& c,
                                       SessionTable& sessions, std::int64_t now_ms) {
  const auto id = cookie_value(req.cookie, kSessionCookie);
  if (!id || id->empty()) return std::nullopt;
  auto s = sessions.use(std::string(*id), now_ms, c.ui.session_idle_seconds * 1000);
  if (s && !session_allowed(c, *s)) {  // the key left the config or lost its scope
    sessions.close(s->id);
    return std::nullopt;
  }
  return s;
}

http::Response signin_form(const UiRequest& req, const Params& params, std::string_view error,
                           unsigned status = 200) {
  const auto token = random_token();
  auto r = html(status, signin_page(token, error, safe_next(params.get_or("next", "/ui"))));
  r.set_cookies.push_back(cookie(req, kSigninCookie, token));
  return r;
}

http::Response sign_in(const UiRequest& req, api::Context& ctx, const api::KeyTable& keys,
                       SessionTable& sessions, UiOutcome& out) {
  const Params form(req.body);
  const auto token = cookie_value(req.cookie, kSigninCookie);
  if (!from_here(req) || !token || token->empty() || !same(*token, form.get_or("csrf", "")))
    return signin_form(req, form, "The form had expired or came from elsewhere. Sign in again.",
                       403);
  if (keys.empty())
    return signin_form(req, form, "No API keys are configured (api.keys): add one with scope read.",
                       401);
  const auto caller = keys.find(form.get_or("key", ""));
  if (!caller) {
    spdlog::warn("ui: a sign-in with an unknown key");
    return signin_form(req, form, "That key is not valid.", 401);
  }
  if (!caller->may(config::ApiScope::read))
    return signin_form(req, form,
                       "Key '" + caller->id + "' lacks the read scope the dashboard needs.", 403);
  const auto session = sessions.open(caller->id, caller->scopes, ctx.now_ms);
  out.key_id = caller->id;
  spdlog::info("ui: key {} signed in", caller->id);
  auto r = see_other(safe_next(form.get_or("next", "/ui")));
  r.set_cookies.push_back(cookie(req, kSessionCookie, session.id));
  r.set_cookies.push_back(cookie(req, kSigninCookie, "", true, true));
  return r;
}

http::Response live(const Params& query, Numbers& numbers, const TimeRange& range) {
  const auto after = query.get_or("after", "0");
  const auto events = numbers.events(after, 20);
  nlohmann::json j{{"count", events.size()},
                   {"after", events.empty() ? after : events.back().id},
                   {"rows", event_rows(events, range.offset_minutes)}};
  http::Response r;
  r.content_type = "application/json";
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.no_store = true;
  return r;
}

http::Response export_file(const Params& query, Numbers& numbers) {
  // The API's own page of events; only the parameters the buttons set are passed on.
  std::string forwarded = "limit=100000";
  for (const char* name : {"campaign", "since", "until", "after", "format"})
    if (auto v = query.get(name)) forwarded += std::string("&") + name + "=" + url_encode(*v);
  auto r = numbers.export_events(forwarded);
  const bool csv = query.get_or("format", "") == "csv";
  const auto name = query.get_or("campaign", "events");
  std::string file;
  for (char c : name) file += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + file + (csv ? ".csv\"" : ".ndjson\""));
  return r;
}

std::string error_body(const ReadError& e) {
  return fmt::format(
      "<p class=\"error\" role=\"alert\">The numbers could not be read: {} ({}).</p>"
      "<p>Try again shortly; the server log says more.</p>",
      escape(e.what()), e.status());
}

int zone_of(const UiRequest& req) {
  const auto v = cookie_value(req.cookie, kZoneCookie);
  return v ? parse_offset(*v).value_or(0) : 0;
}

}  // namespace

bool session_allowed(const config::Config& c, const Session& s) {
  for (const auto& k : c.api.keys)
    if (k.id == s.key_id)
      return (k.scope_bits & static_cast<unsigned>(config::ApiScope::read)) != 0;
  return false;
}

bool is_dashboard_path(std::string_view path) {
  if (path == "/ui" || path.starts_with("/ui/")) return true;
  for (const auto& a : kAssets)
    if (a.path == path) return true;
  return false;
}

UiOutcome handle(const UiRequest& req, api::Context& ctx, const api::KeyTable& keys,
                 SessionTable& sessions) {
  UiOutcome out;
  const auto path = path_of(req.target);
  const auto& config = ctx.config;
  auto finish = [&](http::Response r, Route route) {
    harden(r);
    out.response = std::move(r);
    out.route = static_cast<std::size_t>(route);
    return out;
  };
  if (!config.ui.enabled)
    return finish(plain(404, "The dashboard is off (ui.enabled).\n"), Route::other);
  for (const auto& a : kAssets)
    if (a.path == path) {
      if (req.method != "GET" && req.method != "HEAD") break;
      http::Response r;
      r.content_type = a.content_type;
      r.body = a.body();
      r.headers.emplace_back("Cache-Control", "public, max-age=3600");
      return finish(std::move(r), Route::static_file);
    }
  if (path == "/ui/") return finish(see_other("/ui"), Route::other);
  const RouteSpec* spec = nullptr;
  std::string allowed;  // the methods the path takes, for a 405's Allow
  for (const auto& r : kRoutes)
    if (r.path == path) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
      if (r.method == req.method || (r.method == "GET" && req.method == "HEAD")) spec = &r;
    }
  if (!spec) {
    auto r = plain(allowed.empty() ? 404 : 405,
                   allowed.empty() ? "Not found.\n" : "Method not allowed.\n");
    if (!allowed.empty()) r.headers.emplace_back("Allow", allowed);
    return finish(std::move(r), Route::other);
  }
  const auto query = Params(query_of(req.target));
  std::optional<Session> session;
  if (spec->needs_session || spec->route == Route::signin_form) {
    session = current_session(req, config, sessions, ctx.now_ms);
    if (session) out.key_id = session->key_id;
  }
  if (spec->route == Route::signin_form)
    return finish(
        session ? see_other(safe_next(query.get_or("next", "/ui"))) : signin_form(req, query, ""),
        spec->route);
  if (spec->route == Route::signin)
    return finish(sign_in(req, ctx, keys, sessions, out), spec->route);
  if (!session) {
    // Scripts and downloads get a status; a page sends the browser to sign in and back.
    if (spec->route == Route::live || spec->route == Route::export_file || req.method != "GET")
      return finish(plain(401, "Sign in at /ui/signin.\n"), spec->route);
    return finish(see_other("/ui/signin?next=" + url_encode(req.target)), spec->route);
  }
  if (spec->route == Route::signout) {
    const Params form(req.body);
    if (!from_here(req) || !same(session->csrf, form.get_or("csrf", "")))
      return finish(plain(403, "This form came from elsewhere or has expired.\n"), spec->route);
    sessions.close(session->id);
    spdlog::info("ui: key {} signed out", session->key_id);
    auto r = see_other("/ui/signin");
    r.set_cookies.push_back(cookie(req, kSessionCookie, "", true, true));
    return finish(std::move(r), spec->route);
  }
  const api::Caller caller{session->key_id, session->scopes};
  Numbers numbers(ctx, caller);
  const auto range = time_range(query, ctx.now_ms, zone_of(req));
  const PageContext page{req, query, *session, range, numbers, config, ctx.now_ms};
  http::Response r;
  try {
    switch (spec->route) {
      case Route::overview:
        r = html(200, overview_page(page));
        break;
      case Route::campaign:
        r = html(200, campaign_page(page));
        break;
      case Route::machines:
        r = html(200, machines_page(page));
        break;
      case Route::domains:
        r = html(200, domains_page(page));
        break;
      case Route::licenses:
        r = html(200, licenses_page(page));
        break;
      case Route::live:
        r = live(query, numbers, range);
        break;
      case Route::export_file:
        r = export_file(query, numbers);
        break;
      default:
        r = plain(404, "Not found.\n");
    }
  } catch (const ReadError& e) {
    if (spec->route == Route::live || spec->route == Route::export_file)
      r = plain(e.status(), std::string(e.what()) + "\n");
    else
      r = html(e.status() >= 500 ? 503 : e.status(),
               render_frame(page, "Cannot show this page", path, error_body(e)));
  }
  if (query.get("tz"))
    r.set_cookies.push_back(cookie(req, kZoneCookie, std::to_string(range.offset_minutes), false));
  return finish(std::move(r), spec->route);
}

}  // namespace linktrack::ui
