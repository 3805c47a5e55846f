// The overview: people's clicks and opens over time beside the machines', the top campaigns,
// and the newest events as they arrive.
#include <fmt/format.h>

#include <algorithm>

#include "ui/html.hpp"
#include "ui/page.hpp"

namespace linktrack::ui {

std::string event_rows(const std::vector<EventRow>& events, int offset_minutes) {
  std::string rows;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    const auto& e = *it;
    rows += fmt::format(
        "<tr data-id=\"{}\"><td>{}</td><td>{}</td><td><span class=\"verdict {}\">{}</span>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>",
        escape(e.id), escape(local_time(e.time_ms, offset_minutes)), escape(e.kind),
        escape(e.verdict), escape(e.verdict),
        e.reasons.empty() ? "" : " <small>" + escape(e.reasons) + "</small>", escape(e.campaign),
        escape(e.link), escape(e.host));
  }
  return rows;
}

std::string overview_page(const PageContext& page) {
  auto& n = page.numbers;
  const auto totals = n.stats(page.range, clicklog::GroupBy::none);
  const auto total = totals.empty() ? clicklog::StatsRow{} : totals.front();
  const auto charts = time_charts(page.range, n.stats(page.range, clicklog::GroupBy::hour), "");
  // Ranked by people's clicks; their unique counts are on each campaign's page (reading the
  // people of every campaign is what would make this page slow on a big log).
  auto campaigns = n.stats(page.range, clicklog::GroupBy::campaign, std::nullopt, false);
  std::stable_sort(campaigns.begin(), campaigns.end(),
                   [](const auto& a, const auto& b) { return a.clicks > b.clicks; });
  std::string campaign_rows;
  constexpr std::size_t kTop = 15;
  for (std::size_t i = 0; i < std::min(kTop, campaigns.size()); ++i) {
    const auto& c = campaigns[i];
    const auto machines = c.suspect_clicks + c.bot_clicks;
    const bool named = c.group != "(none)";
    campaign_rows += fmt::format(
        "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        named ? fmt::format("<a href=\"{}\">{}</a>",
                            escape(page_link(page, "/ui/campaign", "name=" + url_encode(c.group))),
                            escape(c.group))
              : "<i>no campaign</i>",
        count(c.clicks), count(c.opens), count(machines),
        percent(share(machines, machines + c.clicks)));
  }
  const auto newest = n.newest_events(20);
  std::string body = figures(total, charts, n.estimated());
  body += fmt::format(
      "<section aria-labelledby=\"top-title\"><h2 id=\"top-title\">Top campaigns</h2>"
      "<div class=\"scroll\"><table id=\"campaigns\"><thead><tr><th scope=\"col\">Campaign</th>"
      "<th scope=\"col\">Human clicks</th><th scope=\"col\">Human opens</th>"
      "<th scope=\"col\">Machine clicks</th><th scope=\"col\">Machine share</th></tr></thead>"
      "<tbody>{}</tbody></table></div>{}</section>",
      campaign_rows.empty() ? "<tr><td colspan=\"5\">No clicks in this period.</td></tr>"
                            : campaign_rows,
      campaigns.size() > kTop
          ? fmt::format("<p class=\"note\">{} more campaigns in this period.</p>",
                        count(static_cast<std::int64_t>(campaigns.size() - kTop)))
          : "");
  body += fmt::format(
      "<section aria-labelledby=\"live-title\"><h2 id=\"live-title\">Newest events</h2>"
      "<p class=\"note\" id=\"live-status\" aria-live=\"polite\">The newest 20, whatever the "
      "period; new ones appear as they arrive.</p><div class=\"scroll\">"
      "<table id=\"live\" data-after=\"{}\"><thead><tr><th scope=\"col\">Time</th>"
      "<th scope=\"col\">Kind</th><th scope=\"col\">Verdict</th><th scope=\"col\">Campaign</th>"
      "<th scope=\"col\">Link</th><th scope=\"col\">Domain</th></tr></thead><tbody>{}</tbody>"
      "</table></div></section>",
      escape(newest.empty() ? "0" : newest.back().id),
      newest.empty() ? "" : event_rows(newest, page.range.offset_minutes));
  return render_frame(page, "Overview", "/ui", body);
}

}  // namespace linktrack::ui
