// The doctor's checks on observations made up here: each verdict and its fix, no network.
#include <catch2/catch.hpp>

#include "doctor/checks.hpp"
#include "doctor/probe.hpp"
#include "doctor/report.hpp"

using namespace linktrack;

namespace {

constexpr std::int64_t kNow = 1800000000;

doctor::DomainObservations healthy() {
  doctor::DomainObservations o;
  o.host = o.domain = "links.example.com";
  o.origin = "https://links.example.com";
  o.now_s = kNow;
  o.dns.addresses = {"203.0.113.7"};
  o.tls = doctor::TlsAnswer{};
  o.tls->verified = true;
  o.tls->chain_length = 2;
  o.tls->protocol = "TLSv1.3";
  o.tls->certificate.subject = "CN=links.example.com";
  o.tls->certificate.sans = {"links.example.com"};
  o.tls->certificate.not_after_ms = (kNow + 60 * 86400) * 1000;
  o.registrable = "example.com";
  o.registrable_root = doctor::HttpAnswer{.url = "https://example.com/", .status = 200};
  o.http_root = doctor::HttpAnswer{
      .url = "http://links.example.com/", .status = 308, .location = "https://links.example.com/"};
  o.apple_app_site_association = doctor::HttpAnswer{
      .status = 200,
      .content_type = "application/json",
      .body = R"({"applinks": {"details": [{"appIDs": ["T.a"], "components": []}]}})"};
  o.healthz = doctor::HttpAnswer{.status = 200, .body = "ok\n"};
  o.viewer =
      doctor::HttpAnswer{.status = 200,
                         .body = R"({"domain": "links.example.com", "host": "links.example.com", )"
                                 R"("scheme": "https", "address": "93.184.216.34"})",
                         .local_ip = "93.184.216.34"};
  return o;
}

const doctor::Check& named(const std::vector<doctor::Check>& checks, const std::string& name) {
  for (const auto& c : checks)
    if (c.name == name) return c;
  FAIL("no check " << name);
  return checks.front();
}

}  // namespace

TEST_CASE("doctor: a healthy domain passes every check") {
  const auto checks = doctor::evaluate(healthy());
  for (const auto& c : checks) {
    INFO(c.name << ": " << c.detail);
    CHECK(c.outcome != doctor::Outcome::fail);
  }
  CHECK(named(checks, "assetlinks.json").outcome == doctor::Outcome::skip);
  CHECK(doctor::all_pass({{"links.example.com", "https://links.example.com", checks}}));
}

TEST_CASE("doctor: each failure is named with its fix") {
  auto o = healthy();
  o.tls->certificate.not_after_ms = (kNow + 10 * 86400) * 1000;  // under 14 days
  o.registrable_root->strict_transport_security = "max-age=63072000; includeSubDomains; preload";
  o.apple_app_site_association->status = 301;
  o.apple_app_site_association->location = "https://www.example.com/aasa";
  o.viewer.body = R"({"domain": "links.example.com", "host": "links.example.com", )"
                  R"("scheme": "http", "address": "10.0.0.5"})";
  o.trusted_proxies = {"10.0.0.0/8"};
  auto checks = doctor::evaluate(o);
  CHECK(named(checks, "certificate").outcome == doctor::Outcome::fail);
  CHECK(named(checks, "certificate").fix.find("renew") != std::string::npos);
  CHECK(named(checks, "HSTS").outcome == doctor::Outcome::pass);  // https: HSTS is fine
  CHECK(named(checks, "apple-app-site-association").fix.find("redirects") != std::string::npos);
  CHECK(named(checks, "Host").outcome == doctor::Outcome::fail);  // the scheme did not arrive
  CHECK(named(checks, "Host").fix.find("X-Forwarded-Proto") != std::string::npos);
  CHECK(named(checks, "client address").outcome == doctor::Outcome::fail);
  CHECK_FALSE(doctor::all_pass({{"h", "o", checks}}));

  // The same HSTS parent over a plain-http tracking domain: Customer.io's reason.
  o = healthy();
  o.https = false;
  o.tls.reset();
  o.http_root.reset();
  o.registrable_root->strict_transport_security = "max-age=63072000; includeSubDomains";
  checks = doctor::evaluate(o);
  CHECK(named(checks, "HSTS").outcome == doctor::Outcome::fail);
  CHECK(named(checks, "HSTS").detail.find("Customer.io") != std::string::npos);
  CHECK(named(checks, "certificate").outcome == doctor::Outcome::skip);

  // A client address outside this machine, not a proxy's: behind NAT, not a failure.
  o = healthy();
  o.viewer.local_ip = "192.168.1.20";
  CHECK(named(doctor::evaluate(o), "client address").outcome == doctor::Outcome::pass);

  // A name that does not resolve: one failure, the rest not checked.
  o = healthy();
  o.dns.addresses.clear();
  o.dns.error = "Name or service not known";
  checks = doctor::evaluate(o);
  CHECK(named(checks, "DNS").outcome == doctor::Outcome::fail);
  std::size_t failures = 0;
  for (const auto& c : checks) failures += c.outcome == doctor::Outcome::fail;
  CHECK(failures == 1);
}

TEST_CASE("doctor: the registrable domain comes from the Public Suffix List") {
  CHECK(doctor::registrable_domain("links.example.com") == "example.com");
  CHECK(doctor::registrable_domain("links.mail.example.co.uk") == "example.co.uk");
  CHECK(doctor::registrable_domain("example.com").empty());
}

TEST_CASE("doctor: a tls: auto domain is judged by what the ACME storage records") {
  auto o = healthy();  // its own certificate files: no ACME line
  for (const auto& c : doctor::evaluate(o)) CHECK(c.name != "ACME");

  o.tls_auto = true;
  o.acme = acme::CertificateRow{.host = o.domain,
                                .configured = true,
                                .not_after = kNow + 60 * 86400,
                                .renew_from = kNow + 30 * 86400};
  auto checks = doctor::evaluate(o);
  CHECK(named(checks, "ACME").outcome == doctor::Outcome::pass);
  CHECK(named(checks, "ACME").detail.find("renews from") != std::string::npos);

  // A failing renewal: the old certificate still serves, the check names the error and the way.
  o.acme->failures = 3;
  o.acme->last_error = "urn:ietf:params:acme:error:connection: connection refused";
  o.acme->next_try = kNow + 600;
  checks = doctor::evaluate(o);
  const auto& failing = named(checks, "ACME");
  CHECK(failing.outcome == doctor::Outcome::fail);
  CHECK(failing.detail.find("3 attempts in a row") != std::string::npos);
  CHECK(failing.detail.find("connection refused") != std::string::npos);
  CHECK(failing.detail.find("still serving") != std::string::npos);
  CHECK(failing.fix.find("certs renew links.example.com") != std::string::npos);
  CHECK(failing.fix.find("port 80") != std::string::npos);

  // Never issued: the handshake fails too, and its fix points here instead of at certbot.
  o.acme = acme::CertificateRow{.host = o.domain, .configured = true};
  o.tls->error = "tlsv1 alert internal error";
  checks = doctor::evaluate(o);
  CHECK(named(checks, "ACME").detail.find("no certificate issued yet") != std::string::npos);
  CHECK(named(checks, "certificate").fix.find("ACME check") != std::string::npos);

  // Overdue: past its renewal time by more than a day and not renewed.
  o = healthy();
  o.tls_auto = true;
  o.acme = acme::CertificateRow{.host = o.domain,
                                .configured = true,
                                .not_after = kNow + 5 * 86400,
                                .renew_from = kNow - 10 * 86400};
  CHECK(named(doctor::evaluate(o), "ACME").detail.find("due for renewal") != std::string::npos);
}
