#include <catch2/catch.hpp>

#include "http/client_address.hpp"
#include "http/handler.hpp"
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
  CHECK(http::client_address(stranger, "1.2.3.4", "", trusted).to_string() == "198.51.100.7");
  CHECK(http::client_address(proxy, "1.2.3.4", "", trusted).to_string() == "1.2.3.4");
  // Right-most untrusted: a client cannot spoof by prepending addresses.
  CHECK(http::client_address(proxy, "6.6.6.6, 1.2.3.4, 10.2.2.2", "", trusted).to_string() ==
        "1.2.3.4");
  CHECK(http::client_address(proxy, "", "5.6.7.8", trusted).to_string() == "5.6.7.8");
  CHECK(http::client_address(proxy, "garbage", "", trusted).to_string() == "10.1.1.1");
}
