// The front end's pure-enough parts: SNI certificate lookup and connection admission.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "runtime.hpp"
#include "test_helpers.hpp"
#include "tls_registry.hpp"

using namespace linktrack;

namespace {

config::TlsFiles make_cert(const test::TempDir& dir, const std::string& name) {
  const auto base = dir.file(name == "*.w.test" ? "wildcard" : name);
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj '/CN=" +
      name + "' -addext 'subjectAltName=DNS:" + name + "' -keyout " + base + ".key -out " + base +
      ".crt 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return {base + ".crt", base + ".key"};
}

struct NullSink final : clicklog::ClickSink {
  bool submit(clicklog::ClickEvent&&, std::function<void(bool)> done) override {
    if (done) done(true);
    return true;
  }
  bool answers_after_commit() const override { return false; }
};

}  // namespace

TEST_CASE("SNI: exact host or alias, then a wildcard certificate, then the default") {
  test::TempDir dir;
  auto c = std::make_shared<config::Config>();
  config::Domain a;
  a.host = "links.a.test";
  a.aliases = {"click.a.test"};
  a.tls = make_cert(dir, "links.a.test");
  config::Domain w;
  w.host = "links.w.test";
  w.tls = make_cert(dir, "*.w.test");
  config::Domain plain;
  plain.host = "links.plain.test";
  c->domains = {a, w, plain};
  server::TlsRegistry without_default(c);
  auto* ctx_a = without_default.find("links.a.test");
  REQUIRE(ctx_a);
  CHECK(without_default.find("click.a.test") == ctx_a);
  auto* ctx_w = without_default.find("other.w.test");
  REQUIRE(ctx_w);
  CHECK(ctx_w != ctx_a);
  CHECK(without_default.find("links.w.test") == ctx_w);
  CHECK(without_default.find("a.b.w.test") == nullptr);  // a wildcard covers one label
  CHECK(without_default.find("links.plain.test") == nullptr);
  CHECK(without_default.find("unknown.test") == nullptr);

  auto with_default = std::make_shared<config::Config>(*c);
  with_default->default_certificate = make_cert(dir, "fallback.test");
  server::TlsRegistry registry(with_default);
  auto* fallback = registry.find("unknown.test");
  REQUIRE(fallback);
  CHECK(registry.find("links.a.test") != fallback);
}

TEST_CASE("admission: per client, not for trusted proxies, capped by max_connections and room") {
  auto c = std::make_shared<config::Config>();
  config::TokenKey key;
  key.id = 1;
  key.secret = std::string(32, 'k');
  c->keys.push_back(key);
  c->limits.connections_per_client = 2;
  c->limits.max_connections = 5;
  c->trusted_proxy_ranges = {*net::Cidr::parse("10.0.0.0/8")};
  auto state = std::make_shared<server::State>();
  state->snapshot = http::Snapshot::build(c);
  NullSink sink;
  clicklog::WriterStats stats;
  server::Runtime rt(sink, stats);
  rt.replace(state);
  using A = server::Runtime::Admission;
  const auto client = *net::IpAddress::parse("192.0.2.1");
  const auto proxy = *net::IpAddress::parse("10.1.1.1");
  CHECK(rt.admit(client) == A::counted);
  CHECK(rt.admit(client) == A::counted);
  CHECK(rt.admit(client) == A::refused);  // its two are taken
  CHECK(rt.admit(proxy) == A::uncounted);
  CHECK(rt.admit(proxy) == A::uncounted);
  CHECK(rt.admit(proxy) == A::uncounted);  // a proxy carries many clients
  CHECK(rt.admit(proxy) == A::refused);    // but max_connections holds
  rt.release(client, A::counted);
  CHECK(rt.admit(client) == A::counted);  // a freed slot is the client's again
  rt.set_connection_room(3);
  CHECK(rt.admit(*net::IpAddress::parse("192.0.2.9")) == A::refused);  // descriptors bind first
  for (int i = 0; i < 2; ++i) rt.release(client, A::counted);
  for (int i = 0; i < 3; ++i) rt.release(proxy, A::uncounted);
  CHECK(rt.metrics().connections_open == 0);
  rt.wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(5));  // returns at once
}
