#include <catch2/catch.hpp>

#include "http/forwarded.hpp"
#include "http/handler.hpp"
#include "http/viewer.hpp"
#include "test_helpers.hpp"
#include "util/base64.hpp"

using namespace linktrack;

namespace {

constexpr std::int64_t kNowMs = 1790000000000;

struct Fixture {
  std::shared_ptr<config::Config> config = std::make_shared<config::Config>();
  std::shared_ptr<const http::Snapshot> snap;
  std::unique_ptr<token::TokenCodec> codec;

  Fixture() {
    config::TokenKey k;
    k.id = 1;
    k.secret = *util::base64_decode(test::kTestSecret);
    config->keys.push_back(k);
    config::Domain d;
    d.host = "links.example.com";
    d.aliases = {"click.example.com"};
    d.tls = config::TlsFiles{"x.crt", "x.key"};
    d.fallback_url = "https://www.example.com/";
    d.cookies.domain = "example.com";
    d.cookies.max_age_seconds = 3600;
    d.cookies.names = {"lt_c", "lt_t", "", "lt_r"};
    d.append_query = {{"utm_source", "email"}, {"from", "linktrack"}};
    d.assetlinks = "a.json";
    d.assetlinks_body = "[{\"x\": 1}]";
    d.hsts = config::Hsts{86400, true};
    config->domains.push_back(d);
    config::Domain plain;
    plain.host = "links.example.org";
    config->domains.push_back(plain);
    config->trusted_proxy_ranges = {*net::Cidr::parse("10.0.0.0/8")};
    rebuild();
  }
  void rebuild() {
    snap = http::Snapshot::build(config);
    codec = std::make_unique<token::TokenCodec>(snap->keyring);
  }
  std::string token(const std::string& url, const std::string& host = "links.example.com",
                    token::Kind kind = token::Kind::click) {
    token::LinkFields f;
    f.kind = kind;
    f.url = kind == token::Kind::click ? url : "";
    f.campaign = "spring sale";
    f.template_id = "7";
    f.message = "abcdef";
    f.recipient = "42";
    f.link = "3";
    f.issued_at = kNowMs / 1000 - 10;
    return codec->encode(f, host);
  }
  http::Response get(const std::string& target, const std::string& host = "links.example.com",
                     bool tls = true, const std::string& method = "GET",
                     const std::string& accept = "*/*") {
    http::RequestView v;
    v.method = method;
    v.target = target;
    v.host = host;
    v.accept = accept;
    v.user_agent = "Mozilla/5.0";
    v.peer = *net::IpAddress::parse("203.0.113.9");
    v.tls = tls;
    v.now_ms = kNowMs;
    return http::handle(v, *snap, *codec);
  }
};

}  // namespace

TEST_CASE("a click: 302 to the destination with append_query merged, cookies, no-store, event") {
  Fixture f;
  auto r = f.get("/c/" + f.token("https://shop.example.com/a?from=newsletter#frag"));
  CHECK(r.status == 302);
  CHECK(r.location == "https://shop.example.com/a?from=newsletter&utm_source=email#frag");
  CHECK(r.no_store);
  REQUIRE(r.set_cookies.size() == 3);  // campaign, template, recipient (message has no name)
  CHECK(r.set_cookies[0] ==
        "lt_c=spring%20sale; Domain=example.com; Path=/; Max-Age=3600; Secure; SameSite=Lax");
  CHECK(r.set_cookies[2].rfind("lt_r=42;", 0) == 0);
  for (const auto& c : r.set_cookies) CHECK(c.find("HttpOnly") == std::string::npos);
  REQUIRE(r.event);
  CHECK(r.event->kind == clicklog::EventKind::click);
  CHECK(r.event->recipient == "42");
  CHECK(r.event->client_ip == "203.0.113.9");
  CHECK(r.event->time_ms == kNowMs);
  bool hsts = false;
  for (auto& [n, v] : r.headers)
    hsts |= n == "Strict-Transport-Security" && v == "max-age=86400; includeSubDomains";
  CHECK(hsts);
}

TEST_CASE("aliases accept the domain's tokens; Host case and port do not matter") {
  Fixture f;
  auto t = f.token("https://shop.example.com/");
  CHECK(f.get("/c/" + t, "click.example.com").status == 302);
  CHECK(f.get("/c/" + t, "LINKS.example.com:443").status == 302);
}

TEST_CASE("HEAD answers like GET and logs nothing") {
  Fixture f;
  auto r = f.get("/c/" + f.token("https://shop.example.com/"), "links.example.com", true, "HEAD");
  CHECK(r.status == 302);
  CHECK(r.head_only);
  CHECK_FALSE(r.event);
}

TEST_CASE("Accept: application/json resolves the link for apps") {
  Fixture f;
  auto r = f.get("/c/" + f.token("https://shop.example.com/p"), "links.example.com", true, "GET",
                 "application/json");
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/json");
  CHECK(r.body.find("\"url\":\"https://shop.example.com/p?utm_source=email&from=linktrack\"") !=
        std::string::npos);
  CHECK(r.set_cookies.size() == 3);
  REQUIRE(r.event);
  CHECK(r.event->kind == clicklog::EventKind::app);
}

TEST_CASE("bad tokens go to the fallback, or a 404 / 410 page; never elsewhere") {
  Fixture f;
  auto t = f.token("https://evil.example.net/");
  auto flipped = t;
  flipped[20] = flipped[20] == 'A' ? 'B' : 'A';
  for (const std::string& target :
       std::vector<std::string>{"/c/" + flipped, "/c/garbage", "/c/", "/o/" + t}) {
    auto r = f.get(target);
    INFO(target);
    CHECK(r.status == 302);
    CHECK(r.location == "https://www.example.com/");
    CHECK_FALSE(r.event);
    CHECK(r.rejection != http::Rejection::none);
  }
  // A token for another host: bad tag.
  auto other = f.token("https://evil.example.net/", "links.example.org");
  CHECK(f.get("/c/" + other).rejection == http::Rejection::bad_tag);
  // Without a fallback: 404, and 410 for expired links.
  f.config->domains[0].fallback_url.clear();
  f.rebuild();
  CHECK(f.get("/c/garbage").status == 404);
  token::LinkFields e;
  e.url = "https://shop.example.com/";
  e.issued_at = kNowMs / 1000 - 100;
  e.expires_at = kNowMs / 1000 - 1;
  auto r = f.get("/c/" + f.codec->encode(e, "links.example.com"));
  CHECK(r.status == 410);
  CHECK(r.rejection == http::Rejection::expired);
  CHECK(r.location.empty());
}

TEST_CASE("an unknown Host gets 421 and logs nothing") {
  Fixture f;
  auto r = f.get("/c/" + f.token("https://shop.example.com/"), "other.example.net");
  CHECK(r.status == 421);
  CHECK_FALSE(r.event);
  // Health checks come by address or by the origin's own name.
  CHECK(f.get("/healthz", "192.0.2.1", false).status == 200);
  CHECK(f.get("/healthz", "other.example.net", false, "POST").status == 421);
}

TEST_CASE(
    "behind a trusted proxy: the viewer's scheme, host and address decide, public_url leads") {
  Fixture f;
  // The CloudFront set-up: the origin's own name arrives as Host, listed as an alias.
  f.config->domains[0].aliases.push_back("origin.example.net");
  f.rebuild();
  auto via = [&](const std::string& target, const std::string& host, http::ForwardedHeaders h,
                 const std::string& peer = "10.0.0.5") {
    http::RequestView v;
    v.method = "GET";
    v.target = target;
    v.host = host;
    v.accept = "*/*";
    v.user_agent = "Mozilla/5.0";
    v.peer = *net::IpAddress::parse(peer);
    v.tls = false;  // the proxy reaches us over plain http
    v.forwarded = h;
    v.now_ms = kNowMs;
    return http::handle(v, *f.snap, *f.codec);
  };
  const std::string click = "/c/" + f.token("https://shop.example.com/");
  // A viewer on https through the proxy: a click, Secure cookies, HSTS, the viewer's address.
  auto r = via(click, "origin.example.net",
               {.x_forwarded_for = "198.51.100.20", .cloudfront_forwarded_proto = "https"});
  CHECK(r.status == 302);
  REQUIRE_FALSE(r.set_cookies.empty());
  CHECK(r.set_cookies[0].find("; Secure") != std::string::npos);
  REQUIRE(r.event);
  CHECK(r.event->client_ip == "198.51.100.20");
  CHECK(r.event->host == "links.example.com");
  bool hsts = false;
  for (const auto& [name, value] : r.headers) hsts |= name == "Strict-Transport-Security";
  CHECK(hsts);
  // A viewer on plain http through it: 308 to the host it named, on the proxy's port.
  r = via("/c/x?y=1", "origin.example.net",
          {.x_forwarded_proto = "http", .x_forwarded_host = "click.example.com"});
  CHECK(r.status == 308);
  CHECK(r.location == "https://click.example.com/c/x?y=1");
  // A forwarded Host that names no domain is never where a 308 goes: that would be an open
  // redirect. The request's own Host found the domain, and the 308 names it.
  r = via("/c/x", "links.example.com",
          {.x_forwarded_proto = "http", .x_forwarded_host = "evil.example.net"});
  CHECK(r.status == 308);
  CHECK(r.location == "https://links.example.com/c/x");
  // A request-target that is not a path never continues the host name.
  for (const char* target : {".evil.example/x", "@evil.example/", "evil", ":99/x"}) {
    r = via(target, "links.example.com", {.x_forwarded_proto = "http"});
    CHECK(r.status == 308);
    CHECK(r.location == "https://links.example.com/");
  }
  // With public_url, the 308 goes there, never to the origin's name.
  f.config->domains[0].public_url = "https://links.example.com";
  f.config->domains[0].public_url_https = true;
  f.config->domains[0].public_url_host = "links.example.com";
  f.rebuild();
  r = via("/c/x?y=1", "origin.example.net", {.cloudfront_forwarded_proto = "http"});
  CHECK(r.status == 308);
  CHECK(r.location == "https://links.example.com/c/x?y=1");
  // The same headers from anyone else are nobody's word: plain http, its own address.
  r = via(click, "links.example.com",
          {.x_forwarded_for = "198.51.100.20", .x_forwarded_proto = "https"}, "203.0.113.50");
  CHECK(r.status == 308);
  // A domain without tls whose viewers use https (public_url): Secure cookies when they do.
  f.config->domains[1].public_url = "https://links.example.org";
  f.config->domains[1].public_url_https = true;
  f.config->domains[1].cookies.names.campaign = "lt_c";
  f.rebuild();
  const std::string org_click = "/c/" + f.token("https://shop.example.com/", "links.example.org");
  r = via(org_click, "links.example.org", {.x_forwarded_proto = "https"});
  CHECK(r.status == 302);
  REQUIRE_FALSE(r.set_cookies.empty());
  CHECK(r.set_cookies[0].find("; Secure") != std::string::npos);
  CHECK(via(org_click, "links.example.org", {.x_forwarded_proto = "http"}).status == 308);
  // What linktrack made of a request, for the doctor: the domain, scheme and address it saw.
  r = via("/healthz?viewer", "origin.example.net",
          {.x_forwarded_for = "198.51.100.20", .cloudfront_forwarded_proto = "https"});
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/json");
  CHECK(r.body ==
        "{\"address\":\"198.51.100.20\",\"domain\":\"links.example.com\",\"host\":"
        "\"origin.example.net\",\"scheme\":\"https\",\"scheme_forwarded\":true}\n");
  CHECK(via("/healthz?viewer", "nowhere.example", {}).body.find("\"domain\":null") !=
        std::string::npos);
}

TEST_CASE("opens answer a 43-byte GIF and log an open") {
  Fixture f;
  auto r = f.get("/o/" + f.token("", "links.example.com", token::Kind::open));
  CHECK(r.status == 200);
  CHECK(r.content_type == "image/gif");
  CHECK(r.body.size() == 43);
  CHECK(r.no_store);
  REQUIRE(r.event);
  CHECK(r.event->kind == clicklog::EventKind::open);
}

TEST_CASE("deep-link files, favicon, robots, healthz; plain HTTP redirects the rest to https") {
  Fixture f;
  auto a = f.get("/.well-known/assetlinks.json", "links.example.com", false);
  CHECK(a.status == 200);
  CHECK(a.body == "[{\"x\": 1}]");
  CHECK(a.content_type == "application/json");
  CHECK(f.get("/.well-known/apple-app-site-association").status == 404);
  CHECK(f.get("/healthz", "links.example.com", false).status == 200);
  auto redirect = f.get("/c/x?y=1", "links.example.com", false);
  CHECK(redirect.status == 308);
  CHECK(redirect.location == "https://links.example.com/c/x?y=1");
  CHECK(f.get("/favicon.ico").status == 200);
  CHECK(f.get("/robots.txt").body.find("Disallow: /") != std::string::npos);
  // A domain without TLS is served over plain HTTP.
  CHECK(f.get("/robots.txt", "links.example.org", false).status == 200);
  CHECK(f.get("/c/x", "links.example.com", true, "POST").status == 405);
}

TEST_CASE("privacy settings shape the logged address and user agent") {
  Fixture f;
  f.config->privacy.ip = config::IpPrivacy::truncate;
  f.config->privacy.user_agent = false;
  f.rebuild();
  auto r = f.get("/c/" + f.token("https://shop.example.com/"));
  REQUIRE(r.event);
  CHECK(r.event->client_ip == "203.0.113.0");
  CHECK_FALSE(r.event->user_agent);
  f.config->privacy.ip = config::IpPrivacy::none;
  f.rebuild();
  CHECK_FALSE(f.get("/c/" + f.token("https://shop.example.com/")).event->client_ip);
}

TEST_CASE("forwarded addresses are believed only from trusted proxies") {
  std::vector<net::Cidr> trusted = {*net::Cidr::parse("10.0.0.0/8")};
  auto proxy = *net::IpAddress::parse("10.1.1.1");
  auto stranger = *net::IpAddress::parse("198.51.100.7");
  auto address = [&](const net::IpAddress& peer, http::ForwardedHeaders h) {
    return http::viewer_of(peer, false, "h", h, trusted).address.to_string();
  };
  CHECK(address(stranger, {.x_forwarded_for = "1.2.3.4"}) == "198.51.100.7");
  CHECK(address(proxy, {.x_forwarded_for = "1.2.3.4"}) == "1.2.3.4");
  // Right-most untrusted: a client cannot spoof by prepending addresses.
  CHECK(address(proxy, {.x_forwarded_for = "6.6.6.6, 1.2.3.4, 10.2.2.2"}) == "1.2.3.4");
  CHECK(address(proxy, {.cf_connecting_ip = "5.6.7.8"}) == "5.6.7.8");
  CHECK(address(proxy, {.x_forwarded_for = "garbage"}) == "10.1.1.1");
  // The order: X-Forwarded-For, Forwarded, CF-Connecting-IP, CloudFront-Viewer-Address.
  CHECK(address(proxy, {.x_forwarded_for = "1.1.1.1",
                        .forwarded = "for=2.2.2.2",
                        .cf_connecting_ip = "3.3.3.3"}) == "1.1.1.1");
  CHECK(address(proxy, {.forwarded = "for=2.2.2.2", .cf_connecting_ip = "3.3.3.3"}) == "2.2.2.2");
  CHECK(address(proxy, {.cf_connecting_ip = "3.3.3.3",
                        .cloudfront_viewer_address = "4.4.4.4:5555"}) == "3.3.3.3");
  CHECK(address(proxy, {.cloudfront_viewer_address = "4.4.4.4:5555"}) == "4.4.4.4");
  CHECK(address(proxy, {.cloudfront_viewer_address = "2001:db8::7:443"}) == "2001:db8::7");
  // Forwarded: the same right-to-left walk, ports and brackets understood.
  CHECK(address(proxy, {.forwarded = "for=6.6.6.6, for=\"[2001:db8::1]:4711\", for=10.3.3.3"}) ==
        "2001:db8::1");
  CHECK(address(proxy, {.forwarded = "for=\"1.2.3.4:80\";proto=https"}) == "1.2.3.4");
  // A hidden hop ends the walk: the proxy that saw it is as far as anyone can tell.
  CHECK(address(proxy, {.forwarded = "for=1.2.3.4, for=_hidden, for=10.3.3.3"}) == "10.3.3.3");
  CHECK(address(proxy, {.forwarded = "for=\"unterminated"}) == "10.1.1.1");
}

TEST_CASE("RFC 7239 Forwarded is parsed element by element, or not at all") {
  auto e = http::parse_forwarded(
      "for=192.0.2.60;proto=http;by=203.0.113.43, For=\"[2001:db8:cafe::17]:4711\";"
      "HOST=links.example.com;proto=https");
  REQUIRE(e.size() == 2);
  CHECK(e[0].for_node == "192.0.2.60");
  CHECK(e[0].proto == "http");
  CHECK(e[1].for_node == "[2001:db8:cafe::17]:4711");
  CHECK(e[1].host == "links.example.com");
  CHECK(e[1].proto == "https");
  CHECK(http::parse_forwarded("for=a b").empty());
  CHECK(http::parse_forwarded("for").empty());
  CHECK(http::parse_forwarded("for=a,,for=b").empty());
  CHECK(http::parse_forwarded("=x").empty());
  CHECK(http::parse_forwarded("").empty());
}

TEST_CASE("the viewer's scheme and host come from a trusted proxy's headers, in order") {
  std::vector<net::Cidr> trusted = {*net::Cidr::parse("10.0.0.0/8")};
  auto proxy = *net::IpAddress::parse("10.1.1.1");
  auto stranger = *net::IpAddress::parse("198.51.100.7");
  auto viewer = [&](const net::IpAddress& peer, http::ForwardedHeaders h, bool tls = false) {
    return http::viewer_of(peer, tls, "origin.internal", h, trusted);
  };
  auto v =
      viewer(stranger, {.x_forwarded_proto = "https", .x_forwarded_host = "links.example.com"});
  CHECK_FALSE(v.https);
  CHECK(v.host == "origin.internal");
  CHECK_FALSE(v.scheme_forwarded);
  v = viewer(proxy, {.x_forwarded_proto = "https, http", .x_forwarded_host = "a.example, b"});
  CHECK(v.https);
  CHECK(v.scheme_forwarded);
  CHECK(v.host == "a.example");
  v = viewer(proxy, {.x_forwarded_proto = "HTTP"}, true);
  CHECK_FALSE(v.https);
  // CDN headers first: CloudFront's, then Cloudflare's, then Forwarded, then X-Forwarded-Proto.
  CHECK(viewer(proxy, {.x_forwarded_proto = "http", .cloudfront_forwarded_proto = "https"}).https);
  CHECK(viewer(proxy, {.x_forwarded_proto = "http", .cf_visitor = "{\"scheme\":\"https\"}"}).https);
  CHECK_FALSE(
      viewer(proxy, {.x_forwarded_proto = "https", .cf_visitor = "{\"scheme\": \"http\"}"}).https);
  CHECK(viewer(proxy, {.x_forwarded_proto = "http", .forwarded = "for=1.2.3.4;proto=https"}).https);
  // The Forwarded element describing the viewer gives proto and host; a nearer proxy's does not.
  v = viewer(proxy, {.forwarded = "for=1.2.3.4;proto=https;host=links.example.com, "
                                  "for=10.2.2.2;proto=http;host=origin.internal"});
  CHECK(v.https);
  CHECK(v.host == "links.example.com");
  CHECK(v.address.to_string() == "1.2.3.4");
  // Words that are not schemes say nothing.
  v = viewer(proxy, {.x_forwarded_proto = "wss"}, true);
  CHECK(v.https);
  CHECK_FALSE(v.scheme_forwarded);
}
