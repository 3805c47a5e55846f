#include "clicklog/feed.hpp"

#include "classify/classifier.hpp"
#include "clicklog/event_text.hpp"
#include "clicklog/id_sequence.hpp"

namespace linktrack::clicklog {
namespace {

// "?, ?, ?" for n values.
std::string placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

// The filter's host and campaign conditions over the events table `t`.
std::string scope_sql(const FeedFilter& f, const char* t) {
  std::string sql;
  if (!f.hosts.empty())
    sql += std::string(" AND ") + t + ".host IN (" + placeholders(f.hosts.size()) + ")";
  if (!f.campaigns.empty())
    sql += std::string(" AND ") + t + ".campaign IN (" + placeholders(f.campaigns.size()) + ")";
  return sql;
}

std::string events_sql(const FeedFilter& f) {
  std::string sql = "SELECT " + export_columns() + " FROM events WHERE id > ? AND id <= ?";
  if (f.kinds.size() < kEventKindCount) {
    // Kind names are the enum's own words: safe to write into the statement.
    sql += " AND kind IN (";
    for (std::size_t i = 0; i < f.kinds.size(); ++i)
      sql += std::string(i ? ", '" : "'") +
             std::string(kEventKindNames[static_cast<std::size_t>(f.kinds[i])]) + "'";
    sql += ")";
  }
  return sql + scope_sql(f, "events") + " ORDER BY id LIMIT ?";
}

std::string verdicts_sql(const FeedFilter& f) {
  return "SELECT v.id, v.time_ms, v.event_id, e.host, e.campaign, e.template, e.message, "
         "e.recipient, e.link, v.verdict, v.previous, v.reasons FROM verdict_changes v LEFT "
         "JOIN events e ON e.id = v.event_id WHERE v.id > ? AND v.id <= ?" +
         scope_sql(f, "e") + " ORDER BY v.id LIMIT ?";
}

void bind_range(Statement& s, const FeedFilter& f, std::int64_t after, std::int64_t upto,
                std::int64_t limit) {
  s.reset();
  int i = 1;
  s.bind(i++, after);
  s.bind(i++, upto);
  for (const auto& h : f.hosts) s.bind_static(i++, h);
  for (const auto& c : f.campaigns) s.bind_static(i++, c);
  s.bind(i++, limit);
}

// A verdict change as an event: {"id","time","kind":"verdict","event_id", the changed event's
// host … link, "verdict","previous_verdict","reasons"}.
void verdict_object(std::string& out, const Statement& v, const EventFormatter& format) {
  static constexpr const char* kTextFields[] = {"host",    "campaign",  "template",
                                                "message", "recipient", "link"};
  auto text = [&](int column) {
    if (v.is_null(column))
      out += "null";
    else
      append_json_string(out, v.text_view(column));
  };
  out += "{\"id\":\"";
  format.event_id(out, v.int64(0));
  out += "\",\"time\":\"";
  append_rfc3339_ms(out, v.int64(1));
  out += "\",\"kind\":\"verdict\",\"event_id\":\"";
  format.event_id(out, v.int64(2));
  out += '"';
  for (int i = 0; i < 6; ++i) {
    out += ",\"";
    out += kTextFields[i];
    out += "\":";
    text(3 + i);
  }
  out += ",\"verdict\":";
  text(9);
  out += ",\"previous_verdict\":";
  text(10);
  out += ",\"reasons\":[";
  bool first = true;
  for (auto r : classify::split_reasons(v.is_null(11) ? std::string_view() : v.text_view(11))) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, r);
  }
  out += "]}";
}

}  // namespace

FeedReader::FeedReader(Database& db, FeedFilter filter, std::string node_id)
    : db_(db),
      filter_(std::move(filter)),
      format_(std::move(node_id)),
      last_id_(db, kLastIdSql),
      events_(db, events_sql(filter_)),
      verdicts_(db, verdicts_sql(filter_)) {}

FeedPage FeedReader::read(std::int64_t after_id, std::size_t limit, std::int64_t span) {
  FeedPage page;
  page.read_to = after_id;
  ReadTransaction snapshot(db_);  // the last id and the rows as of one moment
  last_id_.reset();
  last_id_.step();
  const std::int64_t upto = std::min(last_id_.int64(0), after_id + span);
  last_id_.reset();
  if (upto <= after_id) return page;
  const bool want_events = !filter_.kinds.empty();
  const auto n = static_cast<std::int64_t>(limit);
  if (want_events) bind_range(events_, filter_, after_id, upto, n);
  if (filter_.verdicts) bind_range(verdicts_, filter_, after_id, upto, n);
  bool has_event = want_events && events_.step();
  bool has_verdict = filter_.verdicts && verdicts_.step();
  while (page.events < n && (has_event || has_verdict)) {
    const bool take_event = has_event && (!has_verdict || events_.int64(0) < verdicts_.int64(0));
    Statement& row = take_event ? events_ : verdicts_;
    const std::int64_t id = row.int64(0);
    if (page.events++) page.json += ',';
    if (take_event)
      format_.json_object(page.json, events_);
    else
      verdict_object(page.json, verdicts_, format_);
    if (!page.first_id) {
      page.first_id = id;
      page.first_time_ms = row.int64(1);
    }
    page.last_id = id;
    if (take_event)
      has_event = events_.step();
    else
      has_verdict = verdicts_.step();
  }
  events_.reset();
  verdicts_.reset();
  // A full page ends at its last event; otherwise every id up to `upto` was looked at.
  page.read_to = page.events == n ? page.last_id : upto;
  return page;
}

std::int64_t last_event_id(Database& db) {
  Statement s(db, kLastIdSql);
  s.step();
  return s.int64(0);
}

}  // namespace linktrack::clicklog
