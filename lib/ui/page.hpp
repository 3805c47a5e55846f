// What every page is rendered from, and the parts they share: the frame (navigation, range
// form, sign-out), figure tiles, charts with their table beside, and the verdicts' colours.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "ui/numbers.hpp"
#include "ui/request.hpp"
#include "ui/session_table.hpp"
#include "ui/time_range.hpp"

namespace linktrack::ui {

struct PageContext {
  const UiRequest& request;
  const Params& query;
  const Session& session;
  const TimeRange& range;
  Numbers& numbers;
  const config::Config& config;
  std::int64_t now_ms = 0;
};

// The verdicts as the charts colour them; explicit, as Chart.js 3.9 draws grey by default.
// Colours hold 4.5:1 contrast against white for the legend text beside them.
struct VerdictStyle {
  const char* name;
  const char* label;
  const char* color;
};
inline constexpr VerdictStyle kVerdictStyles[] = {
    {"human", "Human", "#1b6e3f"},
    {"suspect", "Suspect", "#a35200"},
    {"bot", "Bot", "#b3261e"},
};

// A chart and the same numbers as a table (for readers without JavaScript or sight).
struct Series {
  std::string label;
  std::string color;
  std::vector<std::int64_t> values;
};
struct Chart {
  std::string id;            // unique in the page
  std::string title;         // the heading and the canvas's accessible name
  std::string kind = "bar";  // "bar" (stacked over time) or "hbar" (a ranking)
  std::vector<std::string> labels;
  std::vector<Series> series;
};
std::string render_chart(const Chart& chart);

// A figure tile: "Human clicks 1,234".
std::string tile(std::string_view label, std::string_view value, std::string_view note = {});

// The whole document around a page's own HTML. `title` goes to <title> and <h1>; `nav` names
// the current page (its path).
std::string render_frame(const PageContext& page, std::string_view title, std::string_view nav,
                         std::string_view body, bool with_range = true);

// A link to a dashboard path keeping the range ("/ui/campaign?name=x&range=7d&tz=0").
std::string page_link(const PageContext& page, std::string_view path, std::string_view extra = {});

// The pages. Each throws ReadError when the API cannot answer.
std::string overview_page(const PageContext& page);
std::string campaign_page(const PageContext& page);
std::string machines_page(const PageContext& page);
std::string domains_page(const PageContext& page);
std::string licenses_page(const PageContext& page);

// The sign-in form (no session yet): `csrf` is the form's token, `error` what went wrong.
std::string signin_page(std::string_view csrf, std::string_view error, std::string_view next);

// The events table's rows, newest first (the overview's live list and its polling).
std::string event_rows(const std::vector<EventRow>& events, int offset_minutes);

// Clicks and opens over the range, stacked by verdict, from the stats' by=hour rows.
struct TimeCharts {
  Chart clicks, opens;
};
TimeCharts time_charts(const TimeRange& range, const std::vector<clicklog::StatsRow>& hours,
                       std::string_view id_prefix);

// The figures of a stats row as tiles: people's clicks, unique people, opens, click-to-open
// rate, and the machines' share of clicks.
// `estimated`: the unique counts are estimates (shown "≈ 1,234").
std::string stats_tiles(const clicklog::StatsRow& total, bool estimated);
// The tiles, then the two charts over time: how the overview and a campaign's page begin.
std::string figures(const clicklog::StatsRow& total, const TimeCharts& charts, bool estimated);
std::string people(std::int64_t n, bool estimated);

}  // namespace linktrack::ui
