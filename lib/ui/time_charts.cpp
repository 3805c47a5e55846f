#include "ui/html.hpp"
#include "ui/page.hpp"

namespace linktrack::ui {

TimeCharts time_charts(const TimeRange& range, const std::vector<clicklog::StatsRow>& hours,
                       std::string_view id_prefix) {
  const auto b = buckets(range);
  TimeCharts out;
  out.clicks = {std::string(id_prefix) + "clicks", "Clicks over time, by verdict", "bar", {}, {}};
  out.opens = {std::string(id_prefix) + "opens", "Opens over time, by verdict", "bar", {}, {}};
  for (const auto& bucket : b) {
    out.clicks.labels.push_back(bucket.label);
    out.opens.labels.push_back(bucket.label);
  }
  for (const auto& v : kVerdictStyles) {
    out.clicks.series.push_back({v.label, v.color, std::vector<std::int64_t>(b.size())});
    out.opens.series.push_back({v.label, v.color, std::vector<std::int64_t>(b.size())});
  }
  for (const auto& row : hours) {
    const int i = bucket_index(range, b, hour_start_ms(row.group));
    if (i < 0) continue;
    const std::int64_t clicks[] = {row.clicks, row.suspect_clicks, row.bot_clicks};
    const std::int64_t opens[] = {row.opens, row.suspect_opens, row.bot_opens};
    for (std::size_t v = 0; v < std::size(kVerdictStyles); ++v) {
      out.clicks.series[v].values[static_cast<std::size_t>(i)] += clicks[v];
      out.opens.series[v].values[static_cast<std::size_t>(i)] += opens[v];
    }
  }
  return out;
}

std::string people(std::int64_t n, bool estimated) {
  return estimated ? "\u2248 " + count(n) : count(n);
}

std::string stats_tiles(const clicklog::StatsRow& t, bool estimated) {
  const auto machine_clicks = t.suspect_clicks + t.bot_clicks;
  return "<dl class=\"tiles\">" + tile("Human clicks", count(t.clicks)) +
         tile("Unique humans", people(t.unique_clicks, estimated),
              estimated ? "distinct recipients who clicked, estimated (\u00b12%)"
                        : "distinct recipients who clicked") +
         tile("Human opens", count(t.opens), people(t.unique_opens, estimated) + " unique") +
         tile("Click-to-open", percent(t.click_to_open), "unique clicks / unique opens") +
         tile("Machine clicks", count(machine_clicks),
              percent(share(machine_clicks, machine_clicks + t.clicks)) + " of all clicks") +
         "</dl>";
}

std::string figures(const clicklog::StatsRow& total, const TimeCharts& charts, bool estimated) {
  return stats_tiles(total, estimated) + "<div class=\"charts\">" + render_chart(charts.clicks) +
         render_chart(charts.opens) + "</div>";
}

}  // namespace linktrack::ui
