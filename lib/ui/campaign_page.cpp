// One campaign: its figures, its clicks over time, each link with its destination, and its
// events to download.
#include <fmt/format.h>

#include <algorithm>

#include "clicklog/event_text.hpp"
#include "ui/html.hpp"
#include "ui/page.hpp"

namespace linktrack::ui {

std::string campaign_page(const PageContext& page) {
  const auto name = page.query.get_or("name", "");
  if (name.empty()) throw ReadError(400, "Name a campaign: /ui/campaign?name=…");
  auto& n = page.numbers;
  const auto totals = n.stats(page.range, clicklog::GroupBy::none, name);
  const auto total = totals.empty() ? clicklog::StatsRow{} : totals.front();
  const auto charts =
      time_charts(page.range, n.stats(page.range, clicklog::GroupBy::hour, name), "campaign-");
  auto links = n.stats(page.range, clicklog::GroupBy::link, name);
  std::stable_sort(links.begin(), links.end(),
                   [](const auto& a, const auto& b) { return a.clicks > b.clicks; });
  std::string rows;
  for (const auto& l : links) {
    const auto machines = l.suspect_clicks + l.bot_clicks;
    const auto destination = l.destination.value_or("");
    rows += fmt::format(
        "<tr><th scope=\"row\">{}</th><td class=\"url\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        escape(l.group),
        destination.empty() ? "<i>none (opens only)</i>"
                            : fmt::format("<span title=\"{0}\">{0}</span>", escape(destination)),
        count(l.clicks), people(l.unique_clicks, n.estimated()), count(machines),
        percent(share(machines, machines + l.clicks)));
  }
  const auto period = fmt::format("campaign={}&since={}&until={}", url_encode(name),
                                  url_encode(clicklog::rfc3339_ms(page.range.since_ms)),
                                  url_encode(clicklog::rfc3339_ms(page.range.until_ms)));
  std::string body = figures(total, charts, n.estimated());
  body += fmt::format(
      "<section aria-labelledby=\"links-title\"><h2 id=\"links-title\">Links</h2>"
      "<div class=\"scroll\"><table id=\"links\"><thead><tr><th scope=\"col\">Link</th>"
      "<th scope=\"col\">Destination</th><th scope=\"col\">Human clicks</th>"
      "<th scope=\"col\">Unique humans</th><th scope=\"col\">Machine clicks</th>"
      "<th scope=\"col\">Machine share</th></tr></thead><tbody>{}</tbody></table></div></section>"
      "<section aria-labelledby=\"export-title\"><h2 id=\"export-title\">Export</h2>"
      "<p>This campaign's events in the period, every verdict, as the API's "
      "<code>/api/v1/events</code> gives them (up to 100,000 a file; the next file continues "
      "from the last one's final event).</p><p class=\"buttons\">"
      "<a class=\"button\" href=\"{}\" download>Download CSV</a> "
      "<a class=\"button\" href=\"{}\" download>Download NDJSON</a></p></section>",
      rows.empty() ? "<tr><td colspan=\"6\">No events in this period.</td></tr>" : rows,
      escape("/ui/export?" + period + "&format=csv"),
      escape("/ui/export?" + period + "&format=ndjson"));
  return render_frame(page, "Campaign " + name, "/ui/campaign", body);
}

}  // namespace linktrack::ui
