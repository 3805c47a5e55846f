// GET /api/v1/domains: what an operator checks first — each domain's names, certificate,
// deep-link files and whether clicks are arriving.
#include <map>
#include <nlohmann/json.hpp>

#include "acme/storage.hpp"
#include "api/endpoints.hpp"
#include "api/error.hpp"
#include "clicklog/export.hpp"
#include "clicklog/stats.hpp"
#include "clicklog/summary_stats.hpp"
#include "config/host_index.hpp"
#include "net/certificate_info.hpp"

namespace linktrack::api {

http::Response list_domains(const ApiRequest&, const QueryParams&, Context& ctx) {
  const auto& config = ctx.config;
  // Clicks since the start of the hour 24 hours ago by the host they named; an alias's
  // count goes to its domain.
  clicklog::StatsQuery q;
  q.since_ms = ctx.now_ms - 86400 * 1000LL;
  q.by = clicklog::GroupBy::domain;
  const config::HostIndex hosts(config);
  std::map<const config::Domain*, clicklog::StatsRow> recent;
  auto& db = ctx.reader();
  auto summary = clicklog::query_summary(db, q);  // whole hours, from the summary
  for (const auto& row : summary ? summary->rows : clicklog::query_stats(db, q)) {
    const auto* d = hosts.find(row.group);
    if (!d) continue;  // a domain since removed from the config
    auto& sum = recent[d];
    sum.clicks += row.clicks;
    sum.suspect_clicks += row.suspect_clicks;
    sum.bot_clicks += row.bot_clicks;
  }
  // Each domain's last click, of any age: the summary keeps each hour's last.
  std::map<const config::Domain*, std::int64_t> last_click;
  if (clicklog::schema_version(db) >= 6)
    for (const auto& [host, ms] : clicklog::last_clicks(db))
      if (const auto* d = hosts.find(host)) last_click[d] = std::max(last_click[d], ms);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : config.domains) {
    nlohmann::json tls = nullptr;
    // tls: auto: the certificate ACME stored (key then chain; the first certificate is the leaf).
    std::string cert;
    if (d.tls) cert = d.tls->cert;
    if (d.tls_auto && config.acme)
      cert = acme::Storage(config.acme->storage).certificate_path(d.host);
    if (!cert.empty()) {
      tls = {{"cert", cert}, {"source", d.tls_auto ? "acme" : "files"}};
      if (auto info = net::read_certificate_info(cert)) {
        tls["subject"] = info->subject;
        tls["sans"] = info->sans;
        tls["not_after"] = clicklog::rfc3339_ms(info->not_after_ms);
        tls["days_left"] = (info->not_after_ms - ctx.now_ms) / 86400000;
      } else {
        tls["error"] = d.tls_auto ? "ACME has not issued a certificate yet"
                                  : "cannot read a certificate from " + cert;
      }
    }
    const auto& r = recent[&d];
    out.push_back({
        {"host", d.host},
        {"aliases", d.aliases},
        {"public_url", d.public_origin()},
        {"tls", tls},
        {"deep_links",
         {{"apple_app_site_association", d.apple_app_site_association.has_value()},
          {"assetlinks", d.assetlinks.has_value()}}},
        {"fallback_url",
         d.fallback_url.empty() ? nlohmann::json() : nlohmann::json(d.fallback_url)},
        {"clicks_24h", {{"human", r.clicks}, {"suspect", r.suspect_clicks}, {"bot", r.bot_clicks}}},
        {"last_click", last_click.contains(&d)
                           ? nlohmann::json(clicklog::rfc3339_ms(last_click[&d]))
                           : nlohmann::json()},
    });
  }
  return json_response(nlohmann::json{{"domains", out}}.dump(
      2, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace linktrack::api
