#include "clicklog/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "clicklog/distinct_count.hpp"
#include "clicklog/person.hpp"
#include "clicklog/summary_stats.hpp"

namespace linktrack::clicklog {
namespace {

const char* group_column(GroupBy by) {
  switch (by) {
    case GroupBy::link:
      return "IFNULL(link, '(none)')";
    case GroupBy::day:
      return "date(time_ms / 1000, 'unixepoch')";
    case GroupBy::hour:
      return "strftime('%Y-%m-%dT%H', time_ms / 1000, 'unixepoch')";
    case GroupBy::campaign:
      return "IFNULL(campaign, '(none)')";
    case GroupBy::domain:
      return "host";
    case GroupBy::verdict:
      return "IFNULL(verdict, 'human')";
    case GroupBy::reason:
      return "reasons";  // split into one row a reason below
    case GroupBy::user_agent:
      return "IFNULL(user_agent, '(none)')";
    case GroupBy::none:
      return "'total'";
  }
  return "'total'";
}

const char* group_name(GroupBy by) {
  return by == GroupBy::none ? "" : to_string(by);
}

std::string rate(const std::optional<double>& r) {
  return r ? fmt::format("{:.1f}%", *r * 100) : std::string("-");
}

}  // namespace

std::optional<GroupBy> group_by_from(std::string_view name) {
  for (std::size_t i = 0; i < kGroupByCount; ++i)
    if (name == kGroupByNames[i]) return static_cast<GroupBy>(i);
  return std::nullopt;
}

namespace {

// One group's sums, and the people seen in it as hashes (clicklog/person.hpp): 8 bytes an
// event, sorted and counted once at the end. Counting this way, in one pass over the rows SQLite
// reads, is about ten times faster than SQLite's COUNT(DISTINCT …) over built strings.
struct GroupSums {
  StatsRow row;
  std::vector<std::uint64_t> clickers, openers;
};

}  // namespace

std::vector<StatsRow> query_stats(Database& db, const StatsQuery& q) {
  if (auto summary = query_summary(db, q, Precision::exact); summary && summary->exact)
    return std::move(summary->rows);
  return scan_stats(db, q);
}

std::vector<StatsRow> scan_stats(Database& db, const StatsQuery& q) {
  std::string where = "1";
  if (q.campaign) where += " AND campaign = ?";
  if (q.host) where += " AND host = ?";
  if (q.since_ms) where += " AND time_ms >= ?";
  if (q.until_ms) where += " AND time_ms < ?";
  // A recipient id identifies a person; without one, IP and user agent stand in for it.
  // Counts are people's (verdict human; NULL: logged before verdicts, not yet rescored), with
  // the machines' beside them; grouped by verdict or reason, each group counts all its events.
  const bool by_machine = q.by == GroupBy::verdict || q.by == GroupBy::reason;
  const bool by_link = q.by == GroupBy::link;
  std::string sql = fmt::format(
      "SELECT {} AS grp, kind, verdict, recipient, client_ip, user_agent{} FROM events WHERE {}",
      group_column(q.by), by_link ? ", destination" : "", where);
  if (q.by == GroupBy::reason)  // "ua:x net:y" → a row for each reason; none → "(none)"
    sql = "WITH RECURSIVE base AS (" + sql +
          "), split(grp, kind, verdict, recipient, client_ip, user_agent, rest) AS ("
          "SELECT '', kind, verdict, recipient, client_ip, user_agent, IFNULL(grp, '') || ' ' "
          "FROM base UNION ALL "
          "SELECT substr(rest, 1, instr(rest, ' ') - 1), kind, verdict, recipient, client_ip, "
          "user_agent, substr(rest, instr(rest, ' ') + 1) FROM split WHERE rest <> '') "
          "SELECT grp, kind, verdict, recipient, client_ip, user_agent FROM split "
          "WHERE grp <> '' UNION ALL "
          "SELECT '(none)', kind, verdict, recipient, client_ip, user_agent FROM base "
          "WHERE IFNULL(grp, '') = ''";
  // Kind and verdict as numbers, so the loop below reads no strings for them: the verdict by
  // its first letter (the writer stores only human, suspect and bot; NULL, logged before
  // verdicts and not yet rescored, reads as 0 and counts as human).
  sql = fmt::format(
      "SELECT grp, kind = 'open', unicode(verdict), recipient, client_ip, user_agent{} FROM ({})",
      by_link ? ", destination" : "", sql);
  Statement s(db, sql);
  int i = 1;
  if (q.campaign) s.bind(i++, *q.campaign);
  if (q.host) s.bind(i++, *q.host);
  if (q.since_ms) s.bind(i++, *q.since_ms);
  if (q.until_ms) s.bind(i++, *q.until_ms);
  std::map<std::string, GroupSums, std::less<>> groups;  // ordered by group, as bytes
  GroupSums* last = nullptr;
  const bool grouped = q.by != GroupBy::none;
  while (s.step()) {
    if (!last || grouped) {
      const auto group = s.text_view(0);
      if (!last || last->row.group != group) {
        auto it = groups.find(group);
        if (it == groups.end()) it = groups.emplace(std::string(group), GroupSums{}).first;
        last = &it->second;
        last->row.group = it->first;
      }
    }
    const bool open = s.int64(1) != 0;
    const auto verdict = s.int64(2);
    auto& r = last->row;
    if (by_link && !r.destination && !s.is_null(6)) r.destination = std::string(s.text_view(6));
    if (by_machine || verdict == 0 || verdict == 'h') {
      (open ? r.opens : r.clicks) += 1;
      // The address and user agent are read only for the events without a recipient.
      const auto recipient = s.optional_view(3);
      (open ? last->openers : last->clickers)
          .push_back(recipient ? person_hash(*recipient, true, {}, {})
                               : person_hash({}, false, s.text_view(4), s.text_view(5)));
    } else if (verdict == 's') {
      (open ? r.suspect_opens : r.suspect_clicks) += 1;
    } else if (verdict == 'b') {
      (open ? r.bot_opens : r.bot_clicks) += 1;
    }
  }
  std::vector<StatsRow> rows;
  for (auto& [name, g] : groups) {
    StatsRow r = std::move(g.row);
    r.unique_clicks = count_distinct(g.clickers);
    r.unique_opens = count_distinct(g.openers);
    rows.push_back(std::move(r));
  }
  complete_stats(rows, q.by);
  return rows;
}

void complete_stats(std::vector<StatsRow>& rows, GroupBy by) {
  for (auto& r : rows)
    if (r.unique_opens > 0)
      r.click_to_open = static_cast<double>(r.unique_clicks) / static_cast<double>(r.unique_opens);
  if (rows.empty() && by == GroupBy::none) {
    rows.emplace_back();
    rows.back().group = "total";
  }
}

std::string format_stats(const std::vector<StatsRow>& rows, GroupBy by, StatsFormat format) {
  const std::string key = by == GroupBy::none ? "" : group_name(by);
  std::string out;
  if (format == StatsFormat::json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json o;
      if (!key.empty()) o[key] = r.group;
      if (by == GroupBy::link)
        o["destination"] = r.destination ? nlohmann::json(*r.destination) : nlohmann::json();
      o["clicks"] = r.clicks;
      o["unique_clicks"] = r.unique_clicks;
      o["opens"] = r.opens;
      o["unique_opens"] = r.unique_opens;
      o["suspect_clicks"] = r.suspect_clicks;
      o["bot_clicks"] = r.bot_clicks;
      o["suspect_opens"] = r.suspect_opens;
      o["bot_opens"] = r.bot_opens;
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
          "clicks,unique_clicks,opens,unique_opens,click_to_open_rate,suspect_clicks,bot_clicks,"
          "suspect_opens,bot_opens\n";
    for (const auto& r : rows)
      out += (key.empty() ? "" : quote(r.group) + ",") +
             fmt::format("{},{},{},{},{},{},{},{},{}\n", r.clicks, r.unique_clicks, r.opens,
                         r.unique_opens,
                         r.click_to_open ? fmt::format("{:.4f}", *r.click_to_open) : "",
                         r.suspect_clicks, r.bot_clicks, r.suspect_opens, r.bot_opens);
    return out;
  }
  std::size_t width = std::max<std::size_t>(key.size(), 5);
  for (const auto& r : rows) width = std::max(width, r.group.size());
  // Grouped by verdict or reason every row is its own kind: no machine columns beside.
  const bool machines = by != GroupBy::verdict && by != GroupBy::reason;
  const auto line = [&](const std::string& group, auto clicks, auto unique_clicks, auto opens,
                        auto unique_opens, auto cto, auto suspect, auto bot, auto machine_opens) {
    auto l = fmt::format("{:<{}}  {:>8}  {:>13}  {:>8}  {:>12}  {:>13}", group, width, clicks,
                         unique_clicks, opens, unique_opens, cto);
    if (machines) l += fmt::format("  {:>13}  {:>10}  {:>13}", suspect, bot, machine_opens);
    return l + "\n";
  };
  out = line(key.empty() ? "" : key, "clicks", "unique clicks", "opens", "unique opens",
             "click-to-open", "suspect clicks", "bot clicks", "machine opens");
  for (const auto& r : rows)
    out += line(r.group, r.clicks, r.unique_clicks, r.opens, r.unique_opens, rate(r.click_to_open),
                r.suspect_clicks, r.bot_clicks, r.suspect_opens + r.bot_opens);
  return out;
}

}  // namespace linktrack::clicklog
