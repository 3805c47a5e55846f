#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "config/load.hpp"
#include "config/reload.hpp"
#include "test_helpers.hpp"

using namespace linktrack;
using linktrack::test::TempDir;

namespace {

std::string minimal(const std::string& extra_domain = "") {
  return std::string("listen:\n  http: \"127.0.0.1:8080\"\nkeys:\n  - id: 1\n    secret: \"") +
         test::kTestSecret + "\"\ndomains:\n  - host: links.example.com\n" + extra_domain;
}

config::LoadResult load(const TempDir& dir, const std::string& yaml) {
  return config::load_config(dir.write("linktrack.yaml", yaml));
}

bool has_error(const config::LoadResult& r, const std::string& needle) {
  return std::any_of(r.errors.begin(), r.errors.end(),
                     [&](const std::string& e) { return e.find(needle) != std::string::npos; });
}

std::string joined(const config::LoadResult& r) {
  std::string s;
  for (const auto& e : r.errors) s += e + "\n";
  return s;
}

}  // namespace

TEST_CASE("a minimal config loads with defaults") {
  TempDir dir;
  auto r = load(dir, minimal());
  INFO(joined(r));
  REQUIRE(r.config);
  CHECK(r.config->domains.at(0).host == "links.example.com");
  CHECK(r.config->listen.http_addresses.at(0).port == 8080);
  CHECK(r.config->keys.at(0).secret.size() == 32);
  CHECK(r.config->store.path == (dir.path() / "data/clicks.db").string());
  CHECK(r.config->store.durability == config::Durability::batch);
}

TEST_CASE("errors carry file, line, column and key") {
  TempDir dir;
  auto r = load(dir, minimal("    fallback_urll: \"https://x.example/\"\n"));
  REQUIRE_FALSE(r.config);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == dir.file("linktrack.yaml") +
                           ":8:5: domains[0].fallback_urll: unknown key (did you mean "
                           "'fallback_url'?)");
}

TEST_CASE("every error is reported, not just the first") {
  TempDir dir;
  auto r = load(dir, R"(listen:
  https: "0.0.0.0:99999"
  http: ["nonsense"]
threads: many
keys:
  - id: 1
    secret: "c2hvcnQ="
  - id: 1
    secret: ")" + std::string(test::kTestSecret) +
                         R"("
proxies:
  trusted: ["10.0.0.0/33", "127.0.0.1/32"]
domains:
  - host: links.example.com
    tls: { cert: missing.crt, key: missing.key }
    apple_app_site_association: nothere.json
  - host: other.example.com
    aliases: [LINKS.example.com]
    cookies: { domain: example.net, max_age: soon }
)");
  INFO(joined(r));
  REQUIRE_FALSE(r.config);
  CHECK(has_error(r, ":2:10: listen.https: bad listen address '0.0.0.0:99999'"));
  CHECK(has_error(r, ":3:10: listen.http[0]: bad listen address 'nonsense'"));
  CHECK(has_error(r, ":4:10: threads: expected a whole number"));
  CHECK(has_error(r, ":7:13: keys[0].secret: the secret must be 32 bytes"));
  CHECK(has_error(r, ":8:9: keys[1].id: duplicate key id 1"));
  CHECK(has_error(r, ":11:13: proxies.trusted[0]: '10.0.0.0/33' is not an address or CIDR"));
  CHECK(has_error(r, ":14:18: domains[0].tls.cert: cannot read certificate file"));
  CHECK(has_error(r, ":15:33: domains[0].apple_app_site_association: cannot read file"));
  CHECK(has_error(r, ":17:15: domains[1].aliases[0]: duplicate host links.example.com"));
  CHECK(has_error(r, "domains[1].cookies.max_age: expected seconds or a duration"));
  CHECK(has_error(r, "domains[1].cookies.domain: browsers would refuse cookies for example.net"));
  // Errors come in file order.
  CHECK(std::is_sorted(r.errors.begin(), r.errors.end(), [](const auto& a, const auto& b) {
    auto line = [](const std::string& e) {
      auto first = e.find(':');
      return std::stoi(e.substr(first + 1));
    };
    return line(a) < line(b);
  }));
}

TEST_CASE("secrets are never echoed in errors") {
  TempDir dir;
  auto r = load(dir, R"(listen: { http: "127.0.0.1:1" }
keys:
  - id: 1
    secret: "top-secret-not-base64!!"
domains:
  - host: a.example.com
)");
  REQUIRE_FALSE(r.config);
  CHECK(has_error(r, "keys[0].secret: the secret is not valid base64"));
  CHECK_FALSE(has_error(r, "top-secret"));
}

TEST_CASE("missing required keys and wrong types") {
  TempDir dir;
  auto r =
      load(dir, "listen:\n  http: \"127.0.0.1:1\"\nstore:\n  batch_max: -3\n  durability: maybe\n");
  INFO(joined(r));
  REQUIRE_FALSE(r.config);
  CHECK(has_error(r, ":1:1: keys: required key is missing"));
  CHECK(has_error(r, ":1:1: domains: required key is missing"));
  CHECK(has_error(r, ":4:14: store.batch_max: must be from 1 to 100000"));
  CHECK(has_error(r, ":5:15: store.durability: expected one of batch, sync"));
}

TEST_CASE("YAML syntax errors name the position") {
  TempDir dir;
  auto r = load(dir, "listen: [unclosed\nkeys: 1\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(has_error(r, "YAML syntax error"));
  CHECK(r.errors[0].rfind(dir.file("linktrack.yaml") + ":", 0) == 0);
}

TEST_CASE("secrets come from a file or an environment variable") {
  TempDir dir;
  dir.write("key1", std::string(test::kTestSecret) + "\n");
  ::setenv("LINKTRACK_TEST_KEY_2", test::kTestSecret2, 1);
  auto r = load(dir, R"(listen: { http: "127.0.0.1:1" }
keys:
  - { id: 7, secret_file: key1 }
  - { id: 8, secret_env: LINKTRACK_TEST_KEY_2 }
  - { id: 9, secret_env: LINKTRACK_TEST_KEY_UNSET }
  - { id: 10, secret: "x", secret_env: Y }
domains:
  - host: a.example.com
)");
  INFO(joined(r));
  CHECK(has_error(
      r, ":5:26: keys[2].secret_env: environment variable LINKTRACK_TEST_KEY_UNSET is not set"));
  CHECK(has_error(r, ":6:5: keys[3]: exactly one of secret, secret_file or secret_env"));
  CHECK(r.errors.size() == 2);
}

TEST_CASE("deep-link files must be valid JSON; relative paths resolve against the config") {
  TempDir dir;
  dir.write("aasa.json", "{\"applinks\": {}}");
  dir.write("bad.json", "[1, 2,");
  auto r =
      load(dir, minimal("    apple_app_site_association: aasa.json\n    assetlinks: bad.json\n"));
  INFO(joined(r));
  REQUIRE(r.errors.size() == 1);
  CHECK(has_error(r, ":9:17: domains[0].assetlinks: invalid JSON in "));
  auto ok = load(dir, minimal("    apple_app_site_association: aasa.json\n"));
  REQUIRE(ok.config);
  CHECK(ok.config->domains[0].apple_app_site_association_body == "{\"applinks\": {}}");
}

TEST_CASE("listen accepts a string or a list, IPv6 in brackets") {
  TempDir dir;
  auto r = load(
      dir, std::string("listen:\n  https: [\"0.0.0.0:443\", \"[::]:443\"]\n  http: \"[::1]:80\"\n"
                       "keys: [{id: 1, secret: \"") +
               test::kTestSecret + "\"}]\ndomains: [{host: a.example.com}]\n");
  INFO(joined(r));
  REQUIRE(r.config);
  REQUIRE(r.config->listen.https_addresses.size() == 2);
  CHECK(r.config->listen.https_addresses[1].host == "::");
  CHECK(r.config->listen.http_addresses[0].to_string() == "[::1]:80");
}

TEST_CASE("durations in cookies and hsts") {
  TempDir dir;
  auto r = load(
      dir,
      minimal("    cookies: { max_age: 12h, domain: .Example.com }\n    hsts: { max_age: 30d }\n"));
  INFO(joined(r));
  REQUIRE(r.config);
  CHECK(r.config->domains[0].cookies.max_age_seconds == 12 * 3600);
  CHECK(r.config->domains[0].cookies.domain == "example.com");
  CHECK(r.config->domains[0].hsts->max_age_seconds == 30 * 86400);
}

TEST_CASE("reload: settings that need a restart keep their running value, and are named") {
  TempDir dir;
  auto running = load(dir, minimal());
  REQUIRE(running.config);
  auto next_result =
      load(dir, minimal() + "store: {durability: sync, batch_max: 7, sync_timeout_ms: 50}\n" +
                    "threads: 3\nlog: {level: debug}\nlimits: {idle_timeout_ms: 1234}\n");
  REQUIRE(next_result.config);
  config::Config next = *next_result.config;
  auto held = config::keep_restart_settings(*running.config, next);
  std::sort(held.begin(), held.end());
  CHECK(held == std::vector<std::string>{"store.batch_max", "store.durability", "threads"});
  CHECK(next.store.durability == config::Durability::batch);
  CHECK(next.store.batch_max == running.config->store.batch_max);
  CHECK(next.threads == running.config->threads);
  // Everything else applies now.
  CHECK(next.store.sync_timeout_ms == 50);
  CHECK(next.log.level == "debug");
  CHECK(next.limits.idle_timeout_ms == 1234);
  auto moved = load(
      dir, "listen:\n  http: \"127.0.0.1:9999\"\n" + minimal().substr(minimal().find("keys:")));
  REQUIRE(moved.config);
  config::Config moved_config = *moved.config;
  CHECK(config::keep_restart_settings(*running.config, moved_config) ==
        std::vector<std::string>{"listen.http"});
  CHECK(moved_config.listen.http_addresses.at(0).port == 8080);
}

TEST_CASE("listeners may not share a port") {
  TempDir dir;
  auto r = load(dir,
                "listen:\n  http: [\"127.0.0.1:8080\", \"0.0.0.0:8443\"]\n  https: "
                "\"127.0.0.1:8443\"\n  admin: \"127.0.0.1:8080\"\n" +
                    minimal().substr(minimal().find("keys:")));
  CHECK(has_error(r, "listen.http[1]: 0.0.0.0:8443 is also listen.https"));
  CHECK(has_error(r, "listen.admin: 127.0.0.1:8080 is also listen.http[0]"));
  CHECK_FALSE(has_error(r, "listen.http[0]:"));
  auto v6 = load(dir, "listen:\n  http: \"[::]:8080\"\n  https: \"0.0.0.0:8080\"\n" +
                          minimal().substr(minimal().find("keys:")));
  CHECK(v6.config);  // IPv6 listeners are v6-only: no overlap with IPv4
}

TEST_CASE("a secret file or TLS key readable by everyone is warned about, not refused") {
  TempDir dir;
  auto secret = dir.write("secret.key", std::string(test::kTestSecret) + "\n");
  std::filesystem::permissions(secret, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write |
                                           std::filesystem::perms::others_read);
  auto yaml = minimal();
  yaml.replace(yaml.find("secret: \""),
               std::string("secret: \"").size() + std::strlen(test::kTestSecret) + 1,
               "secret_file: " + secret);
  auto r = load(dir, yaml);
  REQUIRE(r.config);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find(":5:") != std::string::npos);
  CHECK(r.warnings[0].find("keys[0].secret_file: warning: ") != std::string::npos);
  std::filesystem::permissions(secret, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::remove);
  CHECK(load(dir, yaml).warnings.empty());
}

TEST_CASE("an entry that is not a mapping does not shift the index errors name") {
  TempDir dir;
  auto r =
      load(dir, std::string("listen:\n  http: \"127.0.0.1:8080\"\nkeys:\n  - 7\n  - id: 2\n    "
                            "secret: \"x\"\ndomains:\n  - 5\n  - host: \"bad host\"\n"));
  CHECK(has_error(r, "keys[0]: expected a mapping of keys"));
  CHECK(has_error(r, ":6:13: keys[1].secret: the secret is not valid base64"));
  CHECK(has_error(r, "domains[1].host: 'bad host' is not a host name"));
  CHECK_FALSE(has_error(r, "keys[0].secret"));
}

TEST_CASE("public_url: one of the domain's names as viewers reach it, used by minted links") {
  TempDir dir;
  auto r = load(dir, minimal("    aliases: [origin.example.net]\n"
                             "    public_url: \"HTTPS://Links.Example.com:8443/\"\n"));
  INFO(joined(r));
  REQUIRE(r.config);
  const auto& d = r.config->domains[0];
  CHECK(d.public_https());  // although the domain itself has no tls: a proxy terminates it
  CHECK(d.public_origin() == "https://links.example.com:8443");
  r = load(dir, minimal("    public_url: \"https://links.example.com:443\"\n"));
  REQUIRE(r.config);
  CHECK(r.config->domains[0].public_origin() == "https://links.example.com");
  // Without it: the host, https with tls and http without.
  r = load(dir, minimal());
  REQUIRE(r.config);
  CHECK(r.config->domains[0].public_origin() == "http://links.example.com");
  for (const auto& bad :
       {"https://elsewhere.example.com", "https://links.example.com/x", "ftp://links.example.com",
        "https://links.example.com/?a=1", "https://u@links.example.com", "https://192.0.2.1",
        "links.example.com"}) {
    r = load(dir, minimal(std::string("    public_url: \"") + bad + "\"\n"));
    INFO(bad << "\n" << joined(r));
    CHECK_FALSE(r.config);
    CHECK(has_error(r, ":8:17: domains[0].public_url: '"));
  }
}

TEST_CASE("acme: tls: auto, the acme section and on-demand names, checked with their lines") {
  TempDir dir;
  const std::string acme =
      "acme:\n  directory: https://acme.example/dir\n  email: ops@example.com\n  storage: state\n";
  auto r = load(dir, minimal("    tls: auto\n") + acme);
  INFO(joined(r));
  REQUIRE(r.config);
  CHECK(r.config->domains[0].tls_auto);
  CHECK_FALSE(r.config->domains[0].tls);
  CHECK(r.config->domains[0].public_https());
  CHECK(r.config->acme->storage == (dir.path() / "state").string());
  CHECK(r.config->acme->challenges == std::vector<std::string>{"http-01", "tls-alpn-01"});

  r = load(dir, minimal("    tls: automatic\n"));
  CHECK(has_error(r, ":8:10: domains[0].tls: expected {cert, key} or auto"));
  r = load(dir, minimal("    tls: auto\n"));
  CHECK(has_error(r, "domains[0].tls: tls: auto needs an acme section"));
  r = load(dir, minimal("    tls: auto\n") +
                    "acme:\n  directory: http://acme.example/dir\n  challenges: [dns-01]\n");
  CHECK(has_error(r, ":10:14: acme.directory: expected the CA's directory as an https URL"));
  CHECK(has_error(r, "acme.challenges[0]: 'dns-01' is not a challenge linktrack answers"));
  r = load(dir, minimal() + acme +
                    "  on_demand:\n    domain: other.example.com\n    allow: [\"*.*.example\"]\n");
  CHECK(has_error(r, "acme.on_demand.domain: 'other.example.com' is not the host of a domain"));
  CHECK(has_error(r, "acme.on_demand.allow[0]: '*.*.example' is not a host name"));
  r = load(dir, minimal() + acme + "  on_demand:\n    domain: links.example.com\n");
  CHECK(has_error(r, "acme.on_demand: needs allow (host patterns), ask (a URL), or both"));
}
