// The frame of every page, figure tiles and charts.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "clicklog/event_text.hpp"
#include "ui/html.hpp"
#include "ui/page.hpp"

namespace linktrack::ui {
namespace {

// The navigation, declared once: path and label.
struct NavItem {
  const char* path;
  const char* label;
};
constexpr NavItem kNav[] = {
    {"/ui", "Overview"},
    {"/ui/machines", "Machines"},
    {"/ui/domains", "Domains"},
};

std::string range_form(const PageContext& page, std::string_view path) {
  const auto& r = page.range;
  std::string options;
  for (const auto& c : kRangeChoices)
    options += fmt::format("<option value=\"{}\"{}>{}</option>", c.name,
                           r.name == c.name ? " selected" : "", c.label);
  // Offsets of every zone in use, whole and half hours; the browser's is chosen for the
  // viewer by app.js on the first visit, and kept in a cookie.
  std::string zones;
  bool listed = false;
  for (int m = -720; m <= 840; m += 30) {
    if (m % 60 && std::abs(m) > 600) continue;
    listed |= m == r.offset_minutes;
    zones += fmt::format("<option value=\"{}\"{}>{}</option>", m,
                         m == r.offset_minutes ? " selected" : "", offset_name(m));
  }
  if (!listed)
    zones += fmt::format("<option value=\"{}\" selected>{}</option>", r.offset_minutes,
                         offset_name(r.offset_minutes));
  std::string keep;  // the page's own parameters (the campaign's name)
  if (auto name = page.query.get("name"))
    keep = fmt::format("<input type=\"hidden\" name=\"name\" value=\"{}\">", escape(*name));
  return fmt::format(
      "<form class=\"range\" method=\"get\" action=\"{}\" aria-label=\"Period\">{}"
      "<label>Period <select name=\"range\" id=\"range\">{}</select></label>"
      "<label>From <input type=\"date\" name=\"from\" value=\"{}\"></label>"
      "<label>To <input type=\"date\" name=\"to\" value=\"{}\"></label>"
      "<label>Time zone <select name=\"tz\" id=\"tz\" data-current=\"{}\">{}</select></label>"
      "<button type=\"submit\">Show</button></form>{}",
      escape(path), keep, options, escape(r.from), escape(r.to), r.offset_minutes, zones,
      r.error.empty() ? ""
                      : fmt::format("<p class=\"error\" role=\"alert\">{}</p>", escape(r.error)));
}

}  // namespace

std::string page_link(const PageContext& page, std::string_view path, std::string_view extra) {
  std::string link(path);
  link += '?';
  if (!extra.empty()) {
    link += extra;
    link += '&';
  }
  return link + range_query(page.range);
}

std::string tile(std::string_view label, std::string_view value, std::string_view note) {
  return fmt::format("<div class=\"tile\"><dt>{}</dt><dd>{}{}</dd></div>", escape(label),
                     escape(value),
                     note.empty() ? "" : fmt::format("<small>{}</small>", escape(note)));
}

std::string render_chart(const Chart& chart) {
  nlohmann::json data{{"kind", chart.kind}, {"labels", chart.labels}};
  auto& series = data["series"] = nlohmann::json::array();
  for (const auto& s : chart.series)
    series.push_back({{"label", s.label}, {"color", s.color}, {"values", s.values}});
  // The table: a row a label, a column a series.
  std::string head =
      "<th scope=\"col\">" + std::string(chart.kind == "hbar" ? "" : "Period") + "</th>";
  for (const auto& s : chart.series) head += "<th scope=\"col\">" + escape(s.label) + "</th>";
  std::string rows;
  for (std::size_t i = 0; i < chart.labels.size(); ++i) {
    rows += "<tr><th scope=\"row\">" + escape(chart.labels[i]) + "</th>";
    for (const auto& s : chart.series)
      rows += "<td>" + count(i < s.values.size() ? s.values[i] : 0) + "</td>";
    rows += "</tr>";
  }
  const auto dumped = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return fmt::format(
      "<figure class=\"chart\"><figcaption id=\"{0}-title\">{1}</figcaption>"
      "<div class=\"canvas-box{5}\"><canvas id=\"{0}\" data-chart=\"{0}-data\" role=\"img\" "
      "aria-labelledby=\"{0}-title\"></canvas></div>"
      "<script type=\"application/json\" id=\"{0}-data\">{2}</script>"
      "<details><summary>{1}: the numbers</summary><div class=\"scroll\"><table>"
      "<thead><tr>{3}</tr></thead><tbody>{4}</tbody></table></div></details></figure>",
      escape(chart.id), escape(chart.title), json_block(dumped), head, rows,
      chart.kind == "hbar" ? " short" : "");
}

std::string render_frame(const PageContext& page, std::string_view title, std::string_view nav,
                         std::string_view body, bool with_range) {
  std::string links;
  for (const auto& item : kNav)
    links += fmt::format("<li><a href=\"{}\"{}>{}</a></li>", escape(page_link(page, item.path)),
                         nav == item.path ? " aria-current=\"page\"" : "", item.label);
  return fmt::format(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{0} \u00b7 linktrack</title>"
      "<link rel=\"icon\" href=\"/ui/static/favicon.svg\" type=\"image/svg+xml\">"
      "<link rel=\"stylesheet\" href=\"/ui/static/app.css\">"
      "<script src=\"/ui/static/chart.min.js\" defer></script>"
      "<script src=\"/ui/static/app.js\" defer></script></head>"
      "<body data-tz=\"{5}\" data-since=\"{9}\" data-until=\"{10}\"><a class=\"skip\" "
      "href=\"#main\">Skip to the numbers</a>"
      "<header><nav aria-label=\"Pages\"><a class=\"brand\" href=\"{6}\">linktrack</a>"
      "<ul>{1}</ul></nav>"
      "<form method=\"post\" action=\"/ui/signout\" class=\"signout\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{2}\">"
      "<span class=\"who\">Key <b>{3}</b></span> <button type=\"submit\">Sign out</button></form>"
      "</header><main id=\"main\"><h1>{0}</h1>{4}{7}</main>"
      "<footer><a href=\"/ui/licenses\">Licences</a> \u00b7 times in {8}</footer></body></html>",
      escape(title), links, escape(page.session.csrf), escape(page.session.key_id),
      with_range ? range_form(page, nav) : "", page.range.offset_minutes,
      escape(page_link(page, "/ui")), body, escape(offset_name(page.range.offset_minutes)),
      clicklog::rfc3339_ms(page.range.since_ms), clicklog::rfc3339_ms(page.range.until_ms));
}

}  // namespace linktrack::ui
