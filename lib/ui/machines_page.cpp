// The machines: how many events each verdict got and why, the scanner networks and user agents
// behind them, and what re-scoring changed.
#include <fmt/format.h>

#include <algorithm>

#include "ui/html.hpp"
#include "ui/page.hpp"

namespace linktrack::ui {
namespace {

std::int64_t events_of(const clicklog::StatsRow& r) {
  return r.clicks + r.opens;  // grouped by verdict or reason, each group counts all its events
}

std::int64_t machine_events(const clicklog::StatsRow& r) {
  return r.suspect_clicks + r.bot_clicks + r.suspect_opens + r.bot_opens;
}

std::string table(std::string_view id, std::string_view head, const std::string& rows, int columns,
                  std::string_view empty) {
  return fmt::format(
      "<div class=\"scroll\"><table id=\"{}\"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>"
      "</div>",
      id, head,
      rows.empty() ? fmt::format("<tr><td colspan=\"{}\">{}</td></tr>", columns, empty) : rows);
}

}  // namespace

std::string machines_page(const PageContext& page) {
  auto& n = page.numbers;
  const auto verdicts = n.stats(page.range, clicklog::GroupBy::verdict);
  std::int64_t all = 0;
  for (const auto& v : verdicts) all += events_of(v);
  std::string body = "<dl class=\"tiles\">";
  for (const auto& style : kVerdictStyles) {
    std::int64_t events = 0;
    for (const auto& v : verdicts)
      if (v.group == style.name) events = events_of(v);
    body += tile(std::string(style.label) + " events", count(events),
                 percent(share(events, all)) + " of all");
  }
  body += "</dl>";

  auto reasons = n.stats(page.range, clicklog::GroupBy::reason);
  std::erase_if(reasons, [](const auto& r) { return r.group == "(none)"; });
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return events_of(a) > events_of(b); });
  Chart chart{"reasons", "Events by reason (top 12)", "hbar", {}, {}};
  chart.series.push_back({"Events", kVerdictStyles[2].color, {}});
  std::string reason_rows, network_rows;
  for (const auto& r : reasons) {
    if (chart.labels.size() < 12) {
      chart.labels.push_back(r.group);
      chart.series[0].values.push_back(events_of(r));
    }
    const auto row = fmt::format(
        "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        escape(r.group), count(events_of(r)), count(r.clicks), count(r.opens));
    reason_rows += row;
    if (r.group.starts_with("net:")) network_rows += row;
  }
  const std::string reason_head =
      "<th scope=\"col\">Reason</th><th scope=\"col\">Events</th><th scope=\"col\">Clicks</th>"
      "<th scope=\"col\">Opens</th>";
  body += "<div class=\"charts\">" + render_chart(chart) + "</div>";
  body +=
      "<section aria-labelledby=\"reasons-title\"><h2 id=\"reasons-title\">Verdicts by "
      "reason</h2><p class=\"note\">An event can have several reasons; each counts it.</p>" +
      table("reasons-table", reason_head, reason_rows, 4, "No machine signals in this period.") +
      "</section>";
  body +=
      "<section aria-labelledby=\"networks-title\"><h2 id=\"networks-title\">Scanner "
      "networks</h2>" +
      table("networks", reason_head, network_rows, 4, "No clicks from known scanner networks.") +
      "</section>";

  auto agents = n.stats(page.range, clicklog::GroupBy::user_agent);
  std::erase_if(agents, [](const auto& a) { return machine_events(a) == 0; });
  std::stable_sort(agents.begin(), agents.end(), [](const auto& a, const auto& b) {
    return machine_events(a) > machine_events(b);
  });
  std::string agent_rows;
  for (std::size_t i = 0; i < std::min<std::size_t>(10, agents.size()); ++i) {
    const auto& a = agents[i];
    agent_rows += fmt::format(
        "<tr><th scope=\"row\" class=\"ua\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
        escape(a.group), count(a.suspect_clicks + a.suspect_opens),
        count(a.bot_clicks + a.bot_opens), count(a.clicks + a.opens));
  }
  body +=
      "<section aria-labelledby=\"agents-title\"><h2 id=\"agents-title\">Top machine user "
      "agents</h2>" +
      table("agents",
            "<th scope=\"col\">User agent</th><th scope=\"col\">Suspect events</th>"
            "<th scope=\"col\">Bot events</th><th scope=\"col\">Human events</th>",
            agent_rows, 4, "No machine events in this period.") +
      "</section>";

  std::string change_rows;
  std::int64_t changed = 0;
  for (const auto& c : n.verdict_changes(page.range)) {
    changed += c.events;
    change_rows += fmt::format(
        "<tr><th scope=\"row\"><span class=\"verdict {0}\">{0}</span> \u2192 "
        "<span class=\"verdict {1}\">{1}</span></th><td>{2}</td></tr>",
        escape(c.previous), escape(c.verdict), count(c.events));
  }
  body += fmt::format(
      "<section aria-labelledby=\"rescore-title\"><h2 id=\"rescore-title\">What re-scoring "
      "changed</h2><p class=\"note\">Verdicts changed in this period by the re-scorer "
      "(<code>linktrack rescore</code> and the server's own pass): {} events.</p>{}</section>",
      count(changed),
      table("rescored", "<th scope=\"col\">Change</th><th scope=\"col\">Events</th>", change_rows,
            2, "Nothing was re-scored in this period."));
  return render_frame(page, "Machines", "/ui/machines", body);
}

}  // namespace linktrack::ui
