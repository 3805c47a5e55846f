#include "doctor/checks.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>

#include "net/address_policy.hpp"
#include "net/cidr.hpp"
#include "util/ascii_case.hpp"

namespace linktrack::doctor {
namespace {

Check pass(std::string name, std::string detail) {
  return {std::move(name), Outcome::pass, std::move(detail), ""};
}
Check fail(std::string name, std::string detail, std::string fix) {
  return {std::move(name), Outcome::fail, std::move(detail), std::move(fix)};
}
Check skip(std::string name, std::string detail) {
  return {std::move(name), Outcome::skip, std::move(detail), ""};
}

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
  return out;
}

std::string date_of(std::int64_t seconds) {
  const std::time_t t = seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

// "answered 200", or "gave no answer (why)".
std::string answered(const HttpAnswer& a) {
  if (!a.error.empty()) return "gave no answer (" + a.error + ")";
  std::string s = "answered " + std::to_string(a.status);
  if (!a.location.empty()) s += " to " + a.location;
  return s;
}

Check dns(const DomainObservations& o) {
  const auto& d = o.dns;
  if (d.addresses.empty())
    return fail("DNS", o.host + " does not resolve" + (d.error.empty() ? "" : ": " + d.error),
                "add an A/AAAA record for " + o.host +
                    " pointing at linktrack's server, or a CNAME to its name (or to the CDN's, "
                    "e.g. dxxxx.cloudfront.net)");
  std::string seen = (d.overridden ? "--resolve " : "A/AAAA ") + join(d.addresses);
  if (!d.canonical.empty()) seen += " (CNAME to " + d.canonical + ")";
  if (!o.target.empty()) {
    const bool by_name = util::ascii_lower(d.canonical) == util::ascii_lower(o.target);
    const bool by_address = std::any_of(d.addresses.begin(), d.addresses.end(), [&](auto& a) {
      return std::find(o.target_addresses.begin(), o.target_addresses.end(), a) !=
             o.target_addresses.end();
    });
    if (!by_name && !by_address)
      return fail("DNS", seen + ", not " + o.target,
                  net::IpAddress::parse(o.target)
                      ? "point " + o.host + " at " + o.target + ": `" + o.host + ". " +
                            (o.target.find(':') == std::string::npos ? "A " : "AAAA ") + o.target +
                            "`"
                      : "point " + o.host + " at " + o.target + ": `" + o.host + ". CNAME " +
                            o.target + ".` (or A/AAAA records with its addresses)");
  }
  return pass("DNS", seen);
}

Check certificate(const DomainObservations& o) {
  if (!o.https) return skip("certificate", "viewers use plain http (no tls, no https public_url)");
  if (!o.tls) return skip("certificate", "not checked");
  const auto& t = *o.tls;
  const std::string fix_serve =
      o.tls_auto ? "the domain has tls: auto: see the ACME check for why no certificate is served"
                 : "serve a certificate for " + o.host +
                       " from a CA browsers trust, with its intermediate certificates (the full "
                       "chain: fullchain.pem), in the domain's tls (or the CDN's); --ca-file for a "
                       "private CA";
  if (!t.error.empty())
    return fail("certificate", "no TLS handshake with " + o.origin + ": " + t.error, fix_serve);
  const auto& c = t.certificate;
  std::string seen = c.subject + ", SANs " + (c.sans.empty() ? "none" : join(c.sans)) +
                     ", chain of " + std::to_string(t.chain_length) + ", " + t.protocol;
  if (!t.verified)
    return fail("certificate", "not trusted: " + t.verify_error + "; " + seen, fix_serve);
  const std::int64_t days = (c.not_after_ms / 1000 - o.now_s) / 86400;
  seen += ", expires " + date_of(c.not_after_ms / 1000) + " (" + std::to_string(days) + " days)";
  if (days < kExpiryWarningDays)
    return fail("certificate", seen,
                o.tls_auto ? "ACME should have renewed it: see the ACME check"
                           : "renew it now (certbot or lego with a deploy hook `systemctl reload "
                             "linktrack`; new handshakes see the new file after a reload)");
  return pass("certificate", seen);
}

// tls: auto: what the ACME storage every node shares says of this domain's certificate (only
// those domains get the line).
Check acme_status(const DomainObservations& o) {
  const std::string why =
      "the CA must reach this server: HTTP-01 asks http://" + o.host +
      "/.well-known/acme-challenge/ on port 80, TLS-ALPN-01 a handshake on port 443 (a CDN or "
      "proxy in front answers neither); then `linktrack certs renew " +
      o.domain + " -c CONFIG` and `linktrack certs list -c CONFIG`";
  if (!o.acme) return fail("ACME", "no acme section in the config", "add acme: {directory, email}");
  const auto& a = *o.acme;
  if (a.failures > 0)
    return fail(
        "ACME",
        std::to_string(a.failures) + " attempt" + (a.failures == 1 ? "" : "s") +
            " in a row failed, the last: " + a.last_error + "; next try " + date_of(a.next_try) +
            (a.not_after > 0 ? "; still serving the certificate valid until " + date_of(a.not_after)
                             : ""),
        why);
  if (a.not_after == 0)
    return fail("ACME", "no certificate issued yet (is `linktrack serve` running?)", why);
  if (a.not_after <= o.now_s)
    return fail("ACME", "the stored certificate expired " + date_of(a.not_after), why);
  if (a.renew_from + 86400 < o.now_s)
    return fail("ACME",
                "due for renewal since " + date_of(a.renew_from) + " and not renewed; expires " +
                    date_of(a.not_after),
                why);
  return pass("ACME",
              "issued, expires " + date_of(a.not_after) + ", renews from " + date_of(a.renew_from));
}

bool includes_subdomains(const std::string& hsts) {
  return util::ascii_lower(hsts).find("includesubdomains") != std::string::npos;
}

Check hsts(const DomainObservations& o) {
  if (o.registrable.empty() || !o.registrable_root)
    return skip("HSTS", o.host + " is itself the registrable domain");
  const auto& r = *o.registrable_root;
  const std::string& reg = o.registrable;
  if (!r.error.empty()) {
    if (o.https)
      return pass("HSTS", "https://" + reg + "/ gave no answer (" + r.error + "); " + o.host +
                              " is served over https, so HSTS there does not matter");
    return fail("HSTS", "https://" + reg + "/ could not be checked: " + r.error,
                "serve " + o.host +
                    " over https (tls, or a CDN and public_url: https://…), which works whatever " +
                    reg + " sends");
  }
  if (!includes_subdomains(r.strict_transport_security)) {
    return pass("HSTS", reg + " sends no HSTS with includeSubDomains" +
                            (o.https ? ""
                                     : std::string(": http tracking links work (https is "
                                                   "still better)")));
  }
  if (o.https)
    return pass("HSTS", reg + " sends HSTS with includeSubDomains (" + r.strict_transport_security +
                            "): " + o.host + " must be https, and is");
  return fail("HSTS",
              reg + " sends Strict-Transport-Security with includeSubDomains (" +
                  r.strict_transport_security + "): browsers that visited " + reg + " reach " +
                  o.host +
                  " only over https, so its http:// links fail. Customer.io refuses http "
                  "tracking domains under such a domain for this reason",
              "serve " + o.host +
                  " over https: tls in linktrack, or a CDN with public_url: https://" + o.host);
}

Check http_redirect(const DomainObservations& o) {
  if (!o.https) return skip("http to https", "viewers use plain http");
  if (!o.http_root) return skip("http to https", "not checked");
  const auto& a = *o.http_root;
  const std::string fix =
      "answer plain http on port 80 with a redirect to https: listen.http in linktrack (it "
      "answers 308), or the CDN's Redirect HTTP to HTTPS";
  if (!a.error.empty())
    return fail(
        "http to https",
        a.url + " gave no answer (" + a.error + "): a link rewritten or typed as http:// fails",
        fix);
  const bool redirect = a.status == 301 || a.status == 302 || a.status == 307 || a.status == 308;
  if (!redirect || !a.location.starts_with("https://"))
    return fail("http to https", a.url + " " + answered(a) + ", not a redirect to https", fix);
  return pass("http to https", a.url + " " + answered(a));
}

Check deep_link_file(const DomainObservations& o, const std::optional<HttpAnswer>& answer,
                     bool apple) {
  const std::string name = apple ? "apple-app-site-association" : "assetlinks.json";
  if (!answer) return skip(name, "not configured for this domain");
  const auto& a = *answer;
  const std::string platform = apple ? "iOS" : "Android";
  if (!a.error.empty())
    return fail(name, a.url + " gave no answer (" + a.error + ")",
                "serve " + o.host + " over https; " + platform + " fetches the file from there");
  if (a.status != 200)
    return fail(name, a.url + " " + answered(a),
                a.location.empty()
                    ? "check the domain's " +
                          std::string(apple ? "apple_app_site_association" : "assetlinks") +
                          " and that the CDN passes the path through"
                    : platform +
                          " does not follow redirects: serve the file itself at this "
                          "URL (linktrack never redirects it; check the CDN or proxy)");
  if (!o.https)
    return fail(name, a.url + " is served over http only",
                platform + " fetches it over https only: serve " + o.host + " over https");
  if (!util::ascii_lower(a.content_type).starts_with("application/json"))
    return fail(name, a.url + " has Content-Type '" + a.content_type + "'",
                "serve it as application/json (a CDN or proxy may be rewriting the type)");
  const auto json = nlohmann::json::parse(a.body, nullptr, false);
  if (json.is_discarded())
    return fail(name, a.url + " is not valid JSON", "fix the file the domain's config names");
  if (apple) {
    const auto applinks = json.is_object() ? json.find("applinks") : json.end();
    const bool shaped = json.is_object() && applinks != json.end() && applinks->is_object() &&
                        ((applinks->contains("details") && (*applinks)["details"].is_array()) ||
                         (applinks->contains("apps") && (*applinks)["apps"].is_array()));
    if (!shaped)
      return fail(name, a.url + " has no applinks.details list",
                  "give it the shape Apple documents: {\"applinks\": {\"details\": [{\"appIDs\": "
                  "[\"TEAMID.bundle.id\"], \"components\": [{\"/\": \"/c/*\"}]}]}}");
    return pass(name,
                "200, application/json, " + std::to_string(a.body.size()) + " bytes, " +
                    std::to_string((*applinks).value("details", nlohmann::json::array()).size()) +
                    " applinks entr(ies)");
  }
  if (!json.is_array())
    return fail(name, a.url + " is not a JSON list of statements",
                "give it the shape Google documents: [{\"relation\": "
                "[\"delegate_permission/common.handle_all_urls\"], \"target\": {…}}]");
  return pass(name, "200, application/json, " + std::to_string(a.body.size()) + " bytes, " +
                        std::to_string(json.size()) + " statement(s)");
}

Check healthz(const DomainObservations& o) {
  const auto& a = o.healthz;
  if (!a.error.empty() || a.status != 200 || a.body != "ok\n")
    return fail("/healthz", a.url + " " + answered(a),
                "check that " + o.host + " reaches linktrack (DNS, listeners, the CDN's origin)");
  return pass("/healthz", a.url + " answered 200");
}

bool trusted(const std::string& address, const std::vector<std::string>& ranges) {
  const auto a = net::IpAddress::parse(address);
  if (!a) return false;
  return std::any_of(ranges.begin(), ranges.end(), [&](const std::string& r) {
    const auto cidr = net::Cidr::parse(r);
    return cidr && cidr->contains(*a);
  });
}

std::vector<Check> viewer(const DomainObservations& o) {
  const auto& a = o.viewer;
  const std::string scheme = o.https ? "https" : "http";
  const std::string host_fix =
      "a CDN that sends the origin's own name as Host (CloudFront's AllViewerExceptHostHeader) "
      "needs that name in the domain's aliases; a proxy should pass the viewer's Host (nginx: "
      "proxy_set_header Host $host; Apache: ProxyPreserveHost On)";
  if (a.status == 421)
    return {fail("Host",
                 a.url + " answered 421: the Host that reached linktrack is none of its "
                         "domains' names",
                 host_fix),
            skip("client address", "the request did not reach a domain")};
  const auto json =
      a.status == 200 ? nlohmann::json::parse(a.body, nullptr, false) : nlohmann::json();
  if (!json.is_object())
    return {fail("Host", a.url + " " + answered(a),
                 "check that " + o.host + " reaches linktrack (a version with /healthz?viewer)"),
            skip("client address", "not checked")};
  std::vector<Check> out;
  const std::string domain = json.value("domain", nlohmann::json()).is_string()
                                 ? json["domain"].get<std::string>()
                                 : std::string();
  const std::string seen_scheme = json.value("scheme", "");
  if (domain.empty())
    out.push_back(fail("Host",
                       "linktrack was asked for '" + json.value("host", "") +
                           "', none of its domains' names (every link answers 421)",
                       host_fix));
  else if (domain != o.domain)
    out.push_back(fail("Host", "the request reached domain " + domain + ", not " + o.domain,
                       "the proxy sends another domain's name as Host or X-Forwarded-Host"));
  else if (seen_scheme != scheme)
    out.push_back(fail("Host",
                       "linktrack saw " + seen_scheme + " though this request used " + scheme,
                       "have the proxy say which scheme the viewer used (X-Forwarded-Proto, or "
                       "the CDN's own header) and list it in proxies.trusted"));
  else
    out.push_back(pass(
        "Host", "reached " + domain + " as " + json.value("host", "") + " over " + seen_scheme));
  const std::string address = json.value("address", "");
  if (address == a.local_ip) {
    out.push_back(pass("client address", "linktrack saw this machine's address, " + address));
  } else {
    const auto parsed = net::IpAddress::parse(address);
    const bool inside = parsed && net::special_purpose_range(*parsed).has_value();
    if (inside || trusted(address, o.trusted_proxies))
      out.push_back(fail("client address",
                         "linktrack saw " + address + ", not this machine (" + a.local_ip +
                             "): the address of a proxy in between",
                         "list the proxy's or CDN's addresses in proxies.trusted, and have it "
                         "send X-Forwarded-For (or Forwarded, CF-Connecting-IP)"));
    else
      out.push_back(pass("client address", "linktrack saw " + address + "; this machine is " +
                                               a.local_ip + " (behind NAT?)"));
  }
  return out;
}

}  // namespace

std::vector<Check> evaluate(const DomainObservations& o) {
  std::vector<Check> out = {dns(o),
                            certificate(o),
                            hsts(o),
                            http_redirect(o),
                            deep_link_file(o, o.apple_app_site_association, true),
                            deep_link_file(o, o.assetlinks, false),
                            healthz(o)};
  if (o.tls_auto) out.insert(out.begin() + 2, acme_status(o));
  if (o.dns.addresses.empty()) {
    // Nothing else could be reached: one failure says it, the rest would only repeat it.
    for (auto& c : out)
      if (c.name != "DNS" && c.name != "ACME")
        c = skip(c.name, "not checked: the name does not resolve");
    return out;
  }
  for (auto& c : viewer(o)) out.push_back(std::move(c));
  return out;
}

}  // namespace linktrack::doctor
