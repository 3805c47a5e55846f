#include "clicklog/stats.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace linktrack::clicklog {
namespace {

const char* group_column(GroupBy by) {
  switch (by) {
    case GroupBy::link:
      return "IFNULL(link, '(none)')";
    case GroupBy::day:
      return "date(time_ms / 1000, 'unixepoch')";
    case GroupBy::campaign:
      return "IFNULL(campaign, '(none)')";
    case GroupBy::none:
      return "'total'";
  }
  return "'total'";
}

const char* group_name(GroupBy by) {
  switch (by) {
    case GroupBy::link:
      return "link";
    case GroupBy::day:
      return "day";
    case GroupBy::campaign:
      return "campaign";
    case GroupBy::none:
      return "";
  }
  return "";
}

std::string rate(const std::optional<double>& r) {
  return r ? fmt::format("{:.1f}%", *r * 100) : std::string("-");
}

}  // namespace

std::vector<StatsRow> query_stats(Database& db, const StatsQuery& q) {
  std::string where = "1";
  if (q.campaign) where += " AND campaign = ?";
  if (q.host) where += " AND host = ?";
  if (q.since_ms) where += " AND time_ms >= ?";
  // A recipient id identifies a person; without one, IP and user agent stand in for it.
  const std::string sql = fmt::format(
      "SELECT grp, SUM(kind IN ('click','app')), "
      "COUNT(DISTINCT CASE WHEN kind IN ('click','app') THEN who END), "
      "SUM(kind = 'open'), COUNT(DISTINCT CASE WHEN kind = 'open' THEN who END) "
      "FROM (SELECT {} AS grp, kind, COALESCE('r:' || recipient, "
      "'a:' || IFNULL(client_ip, '') || '|' || IFNULL(user_agent, '')) AS who "
      "FROM events WHERE {}) GROUP BY grp ORDER BY grp",
      group_column(q.by), where);
  Statement s(db, sql);
  int i = 1;
  if (q.campaign) s.bind(i++, *q.campaign);
  if (q.host) s.bind(i++, *q.host);
  if (q.since_ms) s.bind(i++, *q.since_ms);
  std::vector<StatsRow> rows;
  while (s.step()) {
    StatsRow r;
    r.group = s.text(0);
    r.clicks = s.int64(1);
    r.unique_clicks = s.int64(2);
    r.opens = s.int64(3);
    r.unique_opens = s.int64(4);
    if (r.unique_opens > 0)
      r.click_to_open = static_cast<double>(r.unique_clicks) / static_cast<double>(r.unique_opens);
    rows.push_back(std::move(r));
  }
  if (rows.empty() && q.by == GroupBy::none) rows.push_back({"total", 0, 0, 0, 0, std::nullopt});
  return rows;
}

std::string format_stats(const std::vector<StatsRow>& rows, GroupBy by, StatsFormat format) {
  const std::string key = by == GroupBy::none ? "" : group_name(by);
  std::string out;
  if (format == StatsFormat::json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json o;
      if (!key.empty()) o[key] = r.group;
      o["clicks"] = r.clicks;
      o["unique_clicks"] = r.unique_clicks;
      o["opens"] = r.opens;
      o["unique_opens"] = r.unique_opens;
      o["click_to_open_rate"] =
          r.click_to_open ? nlohmann::json(*r.click_to_open) : nlohmann::json();
      j.push_back(o);
    }
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  if (format == StatsFormat::csv) {
    auto quote = [](const std::string& v) {
      if (v.find_first_of(",\"\n") == std::string::npos) return v;
      std::string q = "\"";
      for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    out = (key.empty() ? "" : key + ",") +
          "clicks,unique_clicks,opens,unique_opens,click_to_open_rate\n";
    for (const auto& r : rows)
      out += (key.empty() ? "" : quote(r.group) + ",") +
             fmt::format("{},{},{},{},{}\n", r.clicks, r.unique_clicks, r.opens, r.unique_opens,
                         r.click_to_open ? fmt::format("{:.4f}", *r.click_to_open) : "");
    return out;
  }
  std::size_t width = std::max<std::size_t>(key.size(), 5);
  for (const auto& r : rows) width = std::max(width, r.group.size());
  out = fmt::format("{:<{}}  {:>8}  {:>13}  {:>8}  {:>12}  {:>13}\n", key.empty() ? "" : key, width,
                    "clicks", "unique clicks", "opens", "unique opens", "click-to-open");
  for (const auto& r : rows)
    out += fmt::format("{:<{}}  {:>8}  {:>13}  {:>8}  {:>12}  {:>13}\n", r.group, width, r.clicks,
                       r.unique_clicks, r.opens, r.unique_opens, rate(r.click_to_open));
  return out;
}

std::int64_t forget_recipient(Database& db, const std::string& recipient) {
  // No index on recipient (it would cost the writer a random insert per click, see
  // migrations/0002_lighter_inserts.sql), so this scans:
  // in rowid slices, one short transaction each, so that a running server's writer is only
  // ever held off for one slice. Rows written meanwhile are covered by reading the end again.
  constexpr std::int64_t kSlice = 65536;
  Statement last(db, "SELECT coalesce(max(id), 0) FROM events");
  Statement del(db, "DELETE FROM events WHERE id >= ? AND id < ? AND recipient = ?");
  Statement first(db, "SELECT coalesce(min(id), 0) FROM events");
  first.step();
  std::int64_t from = first.int64(0);
  std::int64_t deleted = 0;
  for (;;) {
    last.reset();
    last.step();
    const std::int64_t end = last.int64(0) + 1;
    if (from >= end) break;
    for (; from < end; from += kSlice) {
      Transaction tx(db);
      del.reset();
      del.bind(1, from);
      del.bind(2, from + kSlice);
      del.bind(3, recipient);
      del.step();
      deleted += sqlite3_changes(db.handle());
      tx.commit();
    }
  }
  return deleted;
}

}  // namespace linktrack::clicklog
