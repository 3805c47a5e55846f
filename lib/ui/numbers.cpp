#include "ui/numbers.hpp"

#include <sstream>

#include "clicklog/export.hpp"
#include "clicklog/node_id.hpp"
#include "ui/request.hpp"
#include "util/time_text.hpp"

namespace linktrack::ui {
namespace {

std::string rfc3339(std::int64_t ms) {
  return clicklog::rfc3339_ms(ms);
}

std::int64_t integer(const nlohmann::json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string text(const nlohmann::json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

http::Response Numbers::call(const std::string& target) {
  auto outcome = api::handle_as({"GET", target, "", ""}, ctx_, caller_);
  if (outcome.response.status != 200) {
    std::string message = "the API answered " + std::to_string(outcome.response.status);
    try {
      message =
          nlohmann::json::parse(outcome.response.body).at("error").at("message").get<std::string>();
    } catch (const std::exception&) {
    }
    throw ReadError(outcome.response.status, message);
  }
  return std::move(outcome.response);
}

std::vector<clicklog::StatsRow> Numbers::stats(const TimeRange& range, clicklog::GroupBy by,
                                               const std::optional<std::string>& campaign,
                                               bool people) {
  std::string target = "/api/v1/stats?since=" + url_encode(rfc3339(range.since_ms)) +
                       "&until=" + url_encode(rfc3339(range.until_ms));
  if (by != clicklog::GroupBy::none) target += "&by=" + std::string(clicklog::to_string(by));
  if (campaign) target += "&campaign=" + url_encode(*campaign);
  const auto response = call(target + "&estimate=1" + (people ? "" : "&people=0"));
  for (const auto& [name, value] : response.headers)
    if (name == "Linktrack-Unique-Counts" && value == "estimated") estimated_ = true;
  const auto body = nlohmann::json::parse(response.body);
  const char* key = by == clicklog::GroupBy::none ? nullptr : clicklog::to_string(by);
  std::vector<clicklog::StatsRow> rows;
  for (const auto& j : body) {
    clicklog::StatsRow r;
    r.group = key ? text(j, key) : "total";
    r.clicks = integer(j, "clicks");
    r.unique_clicks = integer(j, "unique_clicks");
    r.opens = integer(j, "opens");
    r.unique_opens = integer(j, "unique_opens");
    r.suspect_clicks = integer(j, "suspect_clicks");
    r.bot_clicks = integer(j, "bot_clicks");
    r.suspect_opens = integer(j, "suspect_opens");
    r.bot_opens = integer(j, "bot_opens");
    if (auto d = j.find("destination"); d != j.end() && d->is_string())
      r.destination = d->get<std::string>();
    if (auto c = j.find("click_to_open_rate"); c != j.end() && c->is_number())
      r.click_to_open = c->get<double>();
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<EventRow> Numbers::events(const std::string& after, int limit) {
  const auto body =
      call("/api/v1/events?after=" + url_encode(after) + "&limit=" + std::to_string(limit)).body;
  std::vector<EventRow> rows;
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    EventRow e;
    e.id = text(j, "id");
    e.time = text(j, "time");
    e.time_ms = util::parse_rfc3339_ms(e.time).value_or(0);
    e.kind = text(j, "kind");
    e.host = text(j, "host");
    e.campaign = text(j, "campaign");
    e.link = text(j, "link");
    e.destination = text(j, "destination");
    e.verdict = text(j, "verdict");
    if (e.verdict.empty()) e.verdict = "human";
    if (auto r = j.find("reasons"); r != j.end() && r->is_array())
      for (const auto& reason : *r)
        if (reason.is_string())
          e.reasons += (e.reasons.empty() ? "" : " ") + reason.get<std::string>();
    rows.push_back(std::move(e));
  }
  return rows;
}

std::vector<EventRow> Numbers::newest_events(int limit) {
  auto& db = ctx_.reader();
  const auto newest = clicklog::newest_event_id(db);
  // A full event id (NODE:LOCAL), as the API takes it from the log and from ClickHouse alike.
  return events(clicklog::node_id(db, ctx_.config.node_id) + ":" +
                    std::to_string(std::max<std::int64_t>(0, newest - limit)),
                limit);
}

nlohmann::json Numbers::domains() {
  return nlohmann::json::parse(call("/api/v1/domains").body).at("domains");
}

http::Response Numbers::export_events(const std::string& query) {
  return call("/api/v1/events?" + query);
}

std::vector<clicklog::VerdictChangeCount> Numbers::verdict_changes(const TimeRange& range) {
  return clicklog::count_verdict_changes(ctx_.reader(), range.since_ms, range.until_ms);
}

}  // namespace linktrack::ui
