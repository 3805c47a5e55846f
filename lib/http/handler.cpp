#include "http/handler.hpp"

#include <nlohmann/json.hpp>

#include "classify/evidence.hpp"
#include "http/append_query.hpp"
#include "http/cookies.hpp"
#include "http/viewer.hpp"
#include "net/destination.hpp"
#include "util/ascii_case.hpp"

namespace linktrack::http {

namespace {

// The 43-byte transparent GIF of every open pixel.
const unsigned char kPixel[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80,
                                0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04,
                                0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01,
                                0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};
static_assert(sizeof kPixel == 43);

constexpr const char* kRobots =
    "User-agent: *\nAllow: /.well-known/\nAllow: /apple-app-site-association\nDisallow: /\n";

Response text(unsigned status, std::string body, Route route = Route::other) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  r.route = route;
  return r;
}

Response not_found_page() {
  Response r;
  r.status = 404;
  r.content_type = "text/html; charset=utf-8";
  r.body =
      "<!doctype html><html><head><title>Link not found</title></head><body><h1>Link not "
      "found</h1><p>This link is not valid. Please check the address.</p></body></html>\n";
  r.no_store = true;
  return r;
}

// A token that cannot be honoured: the domain's fallback, else a plain page. Never a Location
// built from anything in the request.
Response rejected(const config::Domain& d, Rejection why, Route route) {
  Response r;
  if (!d.fallback_url.empty()) {
    r.status = 302;
    r.location = d.fallback_url;
    r.body = "Redirecting\n";
    r.content_type = "text/plain; charset=utf-8";
    r.no_store = true;
  } else if (why == Rejection::expired) {
    r = text(410, "This link has expired.\n");
    r.no_store = true;
  } else {
    r = not_found_page();
  }
  // A honeypot's answer is a logged click; anything else refused is counted apart from clicks.
  r.route = why == Rejection::none ? route : Route::fallback;
  r.rejection = why;
  return r;
}

Rejection rejection_of(token::DecodeStatus s) {
  switch (s) {
    case token::DecodeStatus::ok:
      return Rejection::none;
    case token::DecodeStatus::malformed:
      return Rejection::malformed;
    case token::DecodeStatus::unknown_key:
      return Rejection::unknown_key;
    case token::DecodeStatus::bad_tag:
      return Rejection::bad_tag;
    case token::DecodeStatus::expired:
      return Rejection::expired;
  }
  return Rejection::malformed;
}

bool wants_json(std::string_view accept) {
  return accept.find("application/json") != std::string_view::npos;
}

std::optional<std::string> bounded(std::string_view v, std::size_t max) {
  if (v.empty()) return std::nullopt;
  return std::string(v.substr(0, max));
}

// Takes the decoded token's fields: the event is the last use of them. Built where the response
// holds it: an event is a few hundred bytes of strings, and every move of it costs.
void event_for(std::optional<clicklog::ClickEvent>& out, const RequestView& req,
               const Viewer& viewer, const Snapshot& snap, const config::Domain& d,
               token::Decoded&& t, clicklog::EventKind kind,
               std::optional<std::string> destination) {
  const auto& privacy = snap.config->privacy;
  const auto& ip = viewer.address;
  classify::Observation o;
  o.open = kind == clicklog::EventKind::open;
  o.navigation = kind == clicklog::EventKind::click;
  o.user_agent = req.user_agent;
  o.referer = req.referer;
  o.ip = ip;
  o.evidence = classify::evidence_of({.accept = req.accept,
                                      .accept_language = req.accept_language,
                                      .sec_fetch_mode = req.sec_fetch_mode,
                                      .sec_purpose = req.sec_purpose,
                                      .purpose = req.purpose,
                                      .x_purpose = req.x_purpose,
                                      .x_moz = req.x_moz,
                                      .secure = viewer.https});
  if (t.fields.kind == token::Kind::honeypot) o.evidence |= classify::evidence::honeypot;
  o.time_ms = req.now_ms;
  o.sent_at = t.fields.issued_at;
  auto verdict = snap.classifier->assess(o);

  clicklog::ClickEvent& e = out.emplace();
  e.time_ms = req.now_ms;
  e.kind = kind;
  e.host = d.host;
  e.campaign = std::move(t.fields.campaign);
  e.template_id = std::move(t.fields.template_id);
  e.message = std::move(t.fields.message);
  e.recipient = std::move(t.fields.recipient);
  e.link = std::move(t.fields.link);
  e.destination = std::move(destination);
  e.key_id = t.key_id;
  e.sent_at = t.fields.issued_at;
  if (privacy.ip != config::IpPrivacy::none)
    e.client_ip =
        (privacy.ip == config::IpPrivacy::truncate ? net::truncate(ip, 24, 48) : ip).to_string();
  if (privacy.user_agent) e.user_agent = bounded(req.user_agent, 512);
  e.referer = bounded(req.referer, 1024);
  e.verdict = verdict.verdict;
  e.reasons = std::move(verdict.reasons);
  e.evidence = o.evidence;
}

Response tracked(const RequestView& req, const Viewer& viewer, const Snapshot& snap,
                 const config::Domain& d, token::TokenCodec& codec, std::string_view token,
                 bool open_path) {
  const Route route = open_path ? Route::open : Route::click;
  auto t = codec.decode(token, d.host, req.now_ms / 1000);
  if (t.status != token::DecodeStatus::ok) return rejected(d, rejection_of(t.status), route);
  if ((t.fields.kind == token::Kind::open) != open_path)
    return rejected(d, Rejection::malformed, route);  // a token used on the other path
  const bool head = req.method == "HEAD";

  if (t.fields.kind == token::Kind::honeypot) {
    // Answered as a link that leads nowhere (the fallback, else 404), so a scanner sees nothing
    // unusual; logged, to mark the machine that followed it.
    Response r = rejected(d, Rejection::none, route);
    r.no_store = true;
    if (!head)
      event_for(r.event, req, viewer, snap, d, std::move(t), clicklog::EventKind::click,
                std::nullopt);
    return r;
  }

  if (open_path) {
    Response r;
    r.route = Route::open;
    r.content_type = "image/gif";
    r.body.assign(reinterpret_cast<const char*>(kPixel), sizeof kPixel);
    r.no_store = true;
    if (!head)
      event_for(r.event, req, viewer, snap, d, std::move(t), clicklog::EventKind::open,
                std::nullopt);
    return r;
  }

  // Checked again at redirect time: a key holder's mistake must not become an open redirect
  // to a javascript: or header-splitting URL.
  net::Destination destination;
  if (net::destination_problem(t.fields.url, destination))
    return rejected(d, Rejection::bad_destination, route);
  const auto& pieces = snap.of(d);
  auto location = append_query(destination, pieces.append_query);
  if (!location) return rejected(d, Rejection::bad_destination, route);

  Response r;
  r.set_cookies = attribution_cookies(d.cookies, pieces.cookie_attributes, t.fields, viewer.https);
  r.no_store = true;
  if (wants_json(req.accept)) {
    nlohmann::json j;
    j["url"] = *location;
    auto put = [&](const char* k, const std::optional<std::string>& v) {
      j[k] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    put("campaign", t.fields.campaign);
    put("template", t.fields.template_id);
    put("message", t.fields.message);
    put("link", t.fields.link);
    r.status = 200;
    r.route = Route::app;
    r.content_type = "application/json";
    // Ids are checked to be UTF-8 when a token is decoded; replacing rather than throwing is
    // the second line of defence, so that no field can turn an answer into an exception.
    r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (!head)
      event_for(r.event, req, viewer, snap, d, std::move(t), clicklog::EventKind::app, *location);
    return r;
  }
  r.status = 302;
  r.route = Route::click;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Redirecting\n";
  r.location = *location;
  if (!head)
    event_for(r.event, req, viewer, snap, d, std::move(t), clicklog::EventKind::click,
              std::move(*location));
  return r;
}

// What linktrack made of the request, for `linktrack doctor` behind a CDN: whether the Host and
// the client's address and scheme arrive. Only the caller's own request is described.
Response viewer_report(const Viewer& viewer, const config::Domain* d) {
  nlohmann::json j;
  j["domain"] = d ? nlohmann::json(d->host) : nlohmann::json(nullptr);
  j["host"] = std::string(viewer.host);
  j["scheme"] = viewer.https ? "https" : "http";
  j["scheme_forwarded"] = viewer.scheme_forwarded;
  j["address"] = viewer.address.to_string();
  Response r;
  r.route = Route::healthz;
  r.content_type = "application/json";
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  r.no_store = true;
  return r;
}

// `host`: the name, normalized, by which the request found `d`: one of d's own names.
Response decide(const RequestView& req, const Viewer& viewer, const Snapshot& snap,
                token::TokenCodec& codec, const config::Domain& d, const std::string& host) {
  const std::string_view path = req.target.substr(0, req.target.find('?'));
  if (path == "/.well-known/apple-app-site-association" || path == "/apple-app-site-association" ||
      path == "/.well-known/assetlinks.json") {
    const bool apple = path != "/.well-known/assetlinks.json";
    const auto& configured = apple ? d.apple_app_site_association : d.assetlinks;
    if (!configured) {
      auto r = text(404, "Not configured.\n", Route::well_known);
      return r;
    }
    Response r;
    r.route = Route::well_known;
    r.content_type = "application/json";
    r.body = apple ? d.apple_app_site_association_body : d.assetlinks_body;
    return r;
  }
  if (!viewer.https && d.public_https()) {
    Response r;
    r.status = 308;
    r.route = Route::https_redirect;
    // To public_url when set: behind a CDN the Host may be the origin's own name. Else the
    // domain's name the request found it by (never a name only a header gave: that would be an
    // open redirect), on our https listener's port unless a proxy stands in between.
    std::string origin;
    if (!d.public_url.empty()) {
      origin = d.public_origin();
    } else {
      const bool ipv6 = host.find(':') != std::string::npos;
      origin = "https://" + (ipv6 ? "[" + host + "]" : host) +
               (viewer.scheme_forwarded ? "" : snap.https_port_suffix);
    }
    // The target came from the client: checked as any Location is, so nothing it holds can
    // reach the header unencoded.
    // Only an origin-form target ("/path?query") is appended: any other text right after the
    // host would continue it ("https://links.example.com" + ".evil.example/") and send the
    // viewer to another site.
    const std::string url =
        origin + (req.target.starts_with('/') ? std::string(req.target) : std::string("/"));
    net::Destination https;
    if (net::destination_problem(url, https)) return not_found_page();
    r.location = https.location;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Use https\n";
    return r;
  }
  if (path == "/favicon.ico") {
    Response r;
    r.route = Route::favicon;
    r.content_type = "image/x-icon";
    r.body = snap.favicon;
    r.headers.emplace_back("Cache-Control", "public, max-age=86400");
    return r;
  }
  if (path == "/robots.txt") return text(200, kRobots, Route::robots);
  if (path.starts_with("/c/") || path.starts_with("/o/"))
    return tracked(req, viewer, snap, d, codec, path.substr(3), path[1] == 'o');
  return not_found_page();
}

}  // namespace

std::string normalize_host(std::string_view h) {
  if (!h.empty() && h.front() == '[') {
    auto close = h.find(']');
    h = h.substr(1, close == std::string_view::npos ? h.size() - 1 : close - 1);
  } else if (auto colon = h.rfind(':'); colon != std::string_view::npos) {
    h = h.substr(0, colon);
  }
  if (!h.empty() && h.back() == '.') h.remove_suffix(1);  // "links.example.com." is the same host
  std::string out(h);
  for (char& c : out) c = util::ascii_lower(c);
  return out;
}

Response handle(const RequestView& req, const Snapshot& snap, token::TokenCodec& codec) {
  const Viewer viewer =
      viewer_of(req.peer, req.tls, req.host, req.forwarded, snap.config->trusted_proxy_ranges);
  std::string host = normalize_host(viewer.host);
  const config::Domain* d = snap.hosts.find(host);
  // A forwarded Host that names no domain of ours: the request's own may (a proxy that sends
  // its own name as X-Forwarded-Host).
  if (!d && viewer.host.data() != req.host.data()) {
    if (const auto* own = snap.hosts.find(normalize_host(req.host))) {
      d = own;
      host = normalize_host(req.host);
    }
  }
  if (!d) d = snap.domain_for(host);  // the on-demand domain, if any
  const std::string_view path = req.target.substr(0, req.target.find('?'));
  // Whatever the Host: load balancers and CDNs check health by address or the origin's name.
  if (path == "/healthz" && (req.method == "GET" || req.method == "HEAD")) {
    auto r = text(200, "ok\n", Route::healthz);
    if (req.target.substr(path.size()) == "?viewer") r = viewer_report(viewer, d);
    r.head_only = req.method == "HEAD";
    if (d) r.domain = static_cast<int>(d - snap.config->domains.data());
    return r;
  }
  if (!d) return text(421, "This server does not serve that host.\n");
  Response r;
  if (req.method != "GET" && req.method != "HEAD") {
    r = text(405, "Only GET and HEAD.\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
  } else {
    r = decide(req, viewer, snap, codec, *d, host);
  }
  r.head_only = req.method == "HEAD";
  r.domain = static_cast<int>(d - snap.config->domains.data());
  if (viewer.https && d->hsts) {
    std::string v = "max-age=" + std::to_string(d->hsts->max_age_seconds);
    if (d->hsts->include_subdomains) v += "; includeSubDomains";
    r.headers.emplace_back("Strict-Transport-Security", std::move(v));
  }
  return r;
}

}  // namespace linktrack::http
