// GET /api/v1/stats, GET /api/v1/events and POST /api/v1/forget: the click log read and
// changed by the code `stats`, `export` and `forget` run (clicklog/stats.hpp, export.hpp).
#include <nlohmann/json.hpp>

#include "analytics/event_export.hpp"
#include "analytics/forget_everywhere.hpp"
#include "analytics/stats_query.hpp"
#include "api/endpoints.hpp"
#include "api/error.hpp"
#include "clicklog/export.hpp"
#include "clicklog/node_id.hpp"
#include "clicklog/stats.hpp"
#include "clicklog/summary_stats.hpp"

namespace linktrack::api {
namespace {

constexpr std::int64_t kDefaultPage = 1000;
constexpr std::int64_t kMaxPage = 100000;  // a page is built whole: about 30 MB at most

std::string group_names() {
  std::string names;
  for (auto* n : clicklog::kGroupByNames) names += (names.empty() ? "" : ", ") + std::string(n);
  return names;
}

}  // namespace

http::Response read_stats(const ApiRequest&, const QueryParams& q, Context& ctx) {
  clicklog::StatsQuery query;
  query.campaign = q.text("campaign");
  query.host = q.text("host");
  query.since_ms = q.time("since", ctx.now_ms);
  query.until_ms = q.time("until", ctx.now_ms);
  if (auto by = q.text("by")) {
    auto group = clicklog::group_by_from(*by);
    if (!group) throw bad_request("'by' must be one of " + group_names());
    query.by = *group;
  }
  const auto estimate = q.text("estimate");
  if (estimate && *estimate != "0" && *estimate != "1")
    throw bad_request("'estimate' must be 0 or 1");
  if (auto people = q.text("people")) {
    if (*people != "0" && *people != "1") throw bad_request("'people' must be 0 or 1");
    query.people = *people == "1";
  }
  std::vector<clicklog::StatsRow> rows;
  bool exact = true;
  if (ctx.config.analytics.clickhouse) {
    rows = analytics::query_stats(ctx.clickhouse(), query);
  } else if (auto summary =
                 estimate == "1" ? clicklog::query_summary(ctx.reader(), query) : std::nullopt) {
    rows = std::move(summary->rows);
    exact = summary->exact;
  } else {
    rows = clicklog::query_stats(ctx.reader(), query);
  }
  if (!query.people)
    for (auto& row : rows) {
      row.unique_clicks = row.unique_opens = 0;
      row.click_to_open.reset();
    }
  auto body = clicklog::format_stats(rows, query.by, clicklog::StatsFormat::json);
  body.pop_back();  // json_response adds the newline
  auto r = json_response(std::move(body));
  r.headers.emplace_back("Linktrack-Unique-Counts", exact ? "exact" : "estimated");
  return r;
}

namespace {

// What both sources of events take from the query: the range, the page size and the format.
struct PageQuery {
  std::int64_t limit = kDefaultPage;
  std::optional<std::int64_t> since_ms, until_ms;
  std::optional<std::string> campaign;
  clicklog::ExportFormat format = clicklog::ExportFormat::ndjson;
};

PageQuery page_query(const QueryParams& q, const Context& ctx) {
  PageQuery p;
  p.limit = q.integer("limit", 1, kMaxPage).value_or(kDefaultPage);
  p.since_ms = q.time("since", ctx.now_ms);
  p.until_ms = q.time("until", ctx.now_ms);
  p.campaign = q.text("campaign");
  const auto format = q.text("format").value_or("ndjson");
  if (format != "ndjson" && format != "csv") throw bad_request("'format' must be ndjson or csv");
  if (format == "csv") p.format = clicklog::ExportFormat::csv;
  return p;
}

// A page of events: the body, its type, the cursor for the next page and the count.
http::Response page_response(std::string body, clicklog::ExportFormat format,
                             const std::optional<std::string>& next_after, std::int64_t events) {
  http::Response r;
  r.body = std::move(body);
  r.content_type =
      format == clicklog::ExportFormat::csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
  if (next_after) r.headers.emplace_back("Linktrack-Next-After", *next_after);
  r.headers.emplace_back("Linktrack-Event-Count", std::to_string(events));
  r.no_store = true;
  return r;
}

// Every node's events from ClickHouse, in time order; `after` is any node's event id.
http::Response read_shared_events(const QueryParams& q, Context& ctx) {
  const auto p = page_query(q, ctx);
  analytics::SharedExportQuery query;
  query.after = q.text("after");
  if (query.after && query.after->find(':') == std::string::npos)
    throw bad_request("'after' must be an event id (NODE:NUMBER)");
  query.limit = p.limit;
  query.since_ms = p.since_ms;
  query.until_ms = p.until_ms;
  query.campaign = p.campaign;
  std::string body;
  const auto page = analytics::export_events(ctx.clickhouse(), query, p.format, body);
  return page_response(std::move(body), p.format, page.last_id, page.events);
}

}  // namespace

http::Response read_events(const ApiRequest&, const QueryParams& q, Context& ctx) {
  if (ctx.config.analytics.clickhouse) return read_shared_events(q, ctx);
  const auto p = page_query(q, ctx);
  clicklog::ExportQuery query;
  query.node_id = clicklog::node_id(ctx.reader(), ctx.config.node_id);
  if (auto after = q.text("after")) {
    auto local = clicklog::local_event_id(*after, query.node_id);
    if (!local)
      throw bad_request("'after' must be an event id of this node (" + query.node_id +
                        ":NUMBER) or its number");
    query.after_id = *local;
  }
  query.limit = p.limit;
  query.since_ms = p.since_ms;
  query.until_ms = p.until_ms;
  query.campaign = p.campaign;
  std::string body;
  const auto page = clicklog::export_events(ctx.reader(), query, p.format, body);
  return page_response(std::move(body), p.format,
                       query.node_id + ":" + std::to_string(page.last_id), page.events);
}

http::Response forget(const ApiRequest& req, const QueryParams&, Context& ctx) {
  const auto body = parse_body(req.body);
  const auto* object = body.if_object();
  const auto* recipient = object ? object->if_contains("recipient") : nullptr;
  if (!recipient) throw bad_request("expected {\"recipient\": \"…\"}");
  for (const auto& member : *object)
    if (member.key() != "recipient")
      throw bad_request("unknown field '" + std::string(member.key()) + "' (known: recipient)");
  std::string id;
  if (recipient->is_string())
    id = std::string(recipient->get_string());
  else if (recipient->is_int64())  // as the tokens take ids
    id = std::to_string(recipient->get_int64());
  else
    throw bad_request("'recipient' must be a string or an integer");
  if (id.empty()) throw bad_request("'recipient' must not be empty");
  if (ctx.config.analytics.clickhouse) {
    auto& db = ctx.writer();
    const auto r = analytics::forget_everywhere(db, ctx.clickhouse(), id,
                                                clicklog::node_id(db, ctx.config.node_id));
    return json_response("{\"deleted\":" + std::to_string(r.local_events) +
                         ",\"clickhouse\":true,\"request_id\":\"" + r.request_id + "\"}");
  }
  const auto deleted = clicklog::forget_recipient(ctx.writer(), id);
  return json_response("{\"deleted\":" + std::to_string(deleted) + "}");
}

}  // namespace linktrack::api
