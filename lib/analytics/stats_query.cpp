#include "analytics/stats_query.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

namespace linktrack::analytics {

namespace {

// The group of an event, as clicklog/stats.cpp makes it.
const char* group_expression(clicklog::GroupBy by) {
  using clicklog::GroupBy;
  switch (by) {
    case GroupBy::link:
      return "ifNull(link, '(none)')";
    case GroupBy::day:
      return "toString(toDate(time, 'UTC'))";
    case GroupBy::hour:
      return "formatDateTime(time, '%Y-%m-%dT%H', 'UTC')";
    case GroupBy::campaign:
      return "ifNull(campaign, '(none)')";
    case GroupBy::domain:
      return "host";
    case GroupBy::verdict:
      return "ifNull(verdict, 'human')";
    case GroupBy::reason:  // a row for each reason; none: "(none)"
      return "arrayJoin(if(empty(reasons), ['(none)'], reasons))";
    case GroupBy::user_agent:
      return "ifNull(user_agent, '(none)')";
    case GroupBy::none:
      break;
  }
  return "'total'";
}

std::int64_t number(const nlohmann::json& row, const char* key) {
  const auto& v = row.at(key);
  return v.is_string() ? std::stoll(v.get<std::string>()) : v.get<std::int64_t>();
}

}  // namespace

std::vector<clicklog::StatsRow> query_stats(ClickHouseClient& ch, const clicklog::StatsQuery& q) {
  std::string where = "1";
  if (q.campaign) where += " AND ifNull(campaign = " + quote(*q.campaign) + ", 0)";
  if (q.host) where += " AND host = " + quote(*q.host);
  if (q.since_ms) where += " AND time_ms >= " + std::to_string(*q.since_ms);
  if (q.until_ms) where += " AND time_ms < " + std::to_string(*q.until_ms);
  const bool by_machine = q.by == clicklog::GroupBy::verdict || q.by == clicklog::GroupBy::reason;
  const std::string sql =
      std::string("SELECT grp, ") +
      "countIf(human AND kind != 'open') AS clicks, "
      "uniqExactIf(person, human AND kind != 'open') AS unique_clicks, "
      "countIf(human AND kind = 'open') AS opens, "
      "uniqExactIf(person, human AND kind = 'open') AS unique_opens, "
      "countIf(NOT human AND v = 'suspect' AND kind != 'open') AS suspect_clicks, "
      "countIf(NOT human AND v = 'bot' AND kind != 'open') AS bot_clicks, "
      "countIf(NOT human AND v = 'suspect' AND kind = 'open') AS suspect_opens, "
      "countIf(NOT human AND v = 'bot' AND kind = 'open') AS bot_opens, "
      "any(destination) AS destination "  // any() passes over NULLs
      "FROM (SELECT " +
      group_expression(q.by) + " AS grp, kind, ifNull(verdict, '') AS v, " +
      (by_machine ? "1" : "(v = '' OR v = 'human')") +
      " AS human, if(isNull(recipient), concat('a:', ifNull(ip, ''), '|', "
      "ifNull(user_agent, '')), concat('r:', assumeNotNull(recipient))) AS person, destination "
      "FROM " +
      ch.database() + ".events FINAL WHERE " + where +
      ") GROUP BY grp ORDER BY grp FORMAT JSONEachRow";
  const auto text = ch.query(sql);
  std::vector<clicklog::StatsRow> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    clicklog::StatsRow r;
    r.group = j.at("grp").get<std::string>();
    r.clicks = number(j, "clicks");
    r.unique_clicks = number(j, "unique_clicks");
    r.opens = number(j, "opens");
    r.unique_opens = number(j, "unique_opens");
    r.suspect_clicks = number(j, "suspect_clicks");
    r.bot_clicks = number(j, "bot_clicks");
    r.suspect_opens = number(j, "suspect_opens");
    r.bot_opens = number(j, "bot_opens");
    if (q.by == clicklog::GroupBy::link && j.at("destination").is_string())
      r.destination = j.at("destination").get<std::string>();
    rows.push_back(std::move(r));
  }
  clicklog::complete_stats(rows, q.by);
  return rows;
}

}  // namespace linktrack::analytics
