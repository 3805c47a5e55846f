// GET /api/v1/domains: what an operator checks first — each domain's names, certificate,
// deep-link files and whether clicks are arriving.
#include <map>
#include <nlohmann/json.hpp>

#include "api/endpoints.hpp"
#include "api/error.hpp"
#include "clicklog/export.hpp"
#include "clicklog/stats.hpp"
#include "config/host_index.hpp"
#include "net/certificate_info.hpp"

namespace linktrack::api {

http::Response list_domains(const ApiRequest&, const QueryParams&, Context& ctx) {
  const auto& config = ctx.config;
  // Clicks of the last 24 hours by the host they named, through the stats code; an alias's
  // count goes to its domain.
  clicklog::StatsQuery q;
  q.since_ms = ctx.now_ms - 86400 * 1000LL;
  q.by = clicklog::GroupBy::domain;
  const config::HostIndex hosts(config);
  std::map<const config::Domain*, clicklog::StatsRow> recent;
  for (const auto& row : clicklog::query_stats(ctx.reader(), q)) {
    const auto* d = hosts.find(row.group);
    if (!d) continue;  // a domain since removed from the config
    auto& sum = recent[d];
    sum.clicks += row.clicks;
    sum.suspect_clicks += row.suspect_clicks;
    sum.bot_clicks += row.bot_clicks;
  }
  // Each domain's last click: the newest events read backwards until every domain has one, at
  // most kLastClickWindow of them, so an idle domain costs a bounded read (there is no index by
  // host: it would slow every insert).
  constexpr std::int64_t kLastClickWindow = 200000;
  std::map<const config::Domain*, std::int64_t> last_click;
  {
    clicklog::Statement s(ctx.reader(),
                          "SELECT host, time_ms FROM events WHERE kind <> 'open' AND id > "
                          "(SELECT IFNULL(max(id), 0) FROM events) - ? ORDER BY id DESC");
    s.bind(1, kLastClickWindow);
    while (last_click.size() < config.domains.size() && s.step())
      if (const auto* d = hosts.find(s.text_view(0))) last_click.emplace(d, s.int64(1));
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : config.domains) {
    nlohmann::json tls = nullptr;
    if (d.tls) {
      tls = {{"cert", d.tls->cert}};
      if (auto info = net::read_certificate_info(d.tls->cert)) {
        tls["subject"] = info->subject;
        tls["sans"] = info->sans;
        tls["not_after"] = clicklog::rfc3339_ms(info->not_after_ms);
        tls["days_left"] = (info->not_after_ms - ctx.now_ms) / 86400000;
      } else {
        tls["error"] = "cannot read a certificate from " + d.tls->cert;
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
