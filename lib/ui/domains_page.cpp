// The domains: names, certificates (red under 14 days), deep-link files and the last click.
#include <fmt/format.h>

#include "ui/html.hpp"
#include "ui/page.hpp"
#include "util/time_text.hpp"

namespace linktrack::ui {
namespace {

constexpr std::int64_t kWarnDays = 14;

std::string certificate_cell(const nlohmann::json& tls, int offset) {
  if (tls.is_null()) return "<td>No TLS here (behind a proxy or plain http)</td>";
  if (tls.contains("error"))
    return "<td class=\"bad\"><span class=\"flag\">Unreadable</span> " +
           escape(tls["error"].get<std::string>()) + "</td>";
  const auto days = tls.value("days_left", std::int64_t{0});
  const auto until = util::parse_rfc3339_ms(tls.value("not_after", std::string())).value_or(0);
  const bool soon = days < kWarnDays;
  return fmt::format("<td class=\"{}\" data-days-left=\"{}\">{}{} <small>until {}</small></td>",
                     soon ? "bad" : "good", days,
                     soon ? "<span class=\"flag\">Renew soon</span> " : "",
                     days < 0 ? "expired" : fmt::format("{} days left", count(days)),
                     escape(local_time(until, offset).substr(0, 16)));
}

}  // namespace

std::string domains_page(const PageContext& page) {
  const auto domains = page.numbers.domains();
  const int offset = page.range.offset_minutes;
  std::string rows;
  for (const auto& d : domains) {
    std::string aliases;
    for (const auto& a : d.value("aliases", nlohmann::json::array()))
      aliases += (aliases.empty() ? "" : ", ") + escape(a.get<std::string>());
    const auto& deep = d.at("deep_links");
    const auto& clicks = d.at("clicks_24h");
    const auto last = d.value("last_click", nlohmann::json());
    rows += fmt::format(
        "<tr><th scope=\"row\">{}{}<br><small>{}</small></th>{}<td>{}</td><td>{}</td>"
        "<td>{} <small>/ {} suspect / {} bot</small></td><td>{}</td></tr>",
        escape(d.at("host").get<std::string>()),
        aliases.empty() ? "" : "<br><small>also " + aliases + "</small>",
        escape(d.value("public_url", std::string())), certificate_cell(d.at("tls"), offset),
        deep.value("apple_app_site_association", false) ? "Served" : "\u2013",
        deep.value("assetlinks", false) ? "Served" : "\u2013",
        count(clicks.value("human", std::int64_t{0})),
        count(clicks.value("suspect", std::int64_t{0})),
        count(clicks.value("bot", std::int64_t{0})),
        last.is_string() ? escape(local_time(
                               util::parse_rfc3339_ms(last.get<std::string>()).value_or(0), offset))
                         : "none logged");
  }
  const auto body = fmt::format(
      "<div class=\"scroll\"><table id=\"domains\"><thead><tr><th scope=\"col\">Domain</th>"
      "<th scope=\"col\">Certificate</th><th scope=\"col\">apple-app-site-association</th>"
      "<th scope=\"col\">assetlinks.json</th><th scope=\"col\">Human clicks, 24 h</th>"
      "<th scope=\"col\">Last click</th></tr></thead><tbody>{}</tbody></table></div>"
      "<p class=\"note\">Certificates as the files on disk are now; under {} days left shows "
      "red. The server picks up renewed files on reload (SIGHUP).</p>",
      rows, kWarnDays);
  return render_frame(page, "Domains", "/ui/domains", body, false);
}

}  // namespace linktrack::ui
