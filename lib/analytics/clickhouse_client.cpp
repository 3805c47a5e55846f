#include "analytics/clickhouse_client.hpp"

#include <boost/url/url.hpp>

namespace linktrack::analytics {

namespace {

outbound::ClientOptions client_options(const config::ClickHouse& s, const std::atomic<bool>* cancel,
                                       std::size_t max_answer) {
  outbound::ClientOptions o;
  o.user_agent = "linktrack";
  o.timeout_ms = s.timeout_ms;
  o.allow_private = true;  // the operator's own server, usually on a private network
  o.ca_file = s.ca_file;
  o.username = s.user;
  o.password = s.password;
  o.max_answer_bytes = max_answer;
  o.cancel = cancel;
  return o;
}

}  // namespace

std::string quote(std::string_view text) {
  std::string q = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') q += '\\';
    q += c;
  }
  return q + "'";
}

ClickHouseClient::ClickHouseClient(const config::ClickHouse& settings,
                                   const std::atomic<bool>* cancel, std::size_t max_answer_bytes)
    : settings_(settings), http_(client_options(settings, cancel, max_answer_bytes)) {}

std::string ClickHouseClient::url_for(std::string_view sql) const {
  boost::urls::url u(settings_.url);
  u.set_path("/");
  auto params = u.params();
  // No `database` parameter: statements name their tables in full, and `migrate` makes it.
  // Numbers as numbers in JSON answers, whatever their width.
  params.append({"output_format_json_quote_64bit_integers", "0"});
  if (!sql.empty()) params.append({"query", sql});
  return std::string(u.buffer());
}

outbound::Response ClickHouseClient::post(std::string_view sql, std::string_view body,
                                          const outbound::BodySink& sink) {
  return http_.post(url_for(sql), {"Content-Type: text/plain; charset=utf-8"}, body, sink);
}

std::string ClickHouseClient::query(std::string_view sql) {
  auto r = post({}, sql, {});
  if (!r.ok()) throw ClickHouseError("ClickHouse at " + settings_.url + ": " + r.error);
  if (r.truncated)
    throw ClickHouseError("ClickHouse's answer was longer than " + std::to_string(r.body.size()) +
                          " bytes");
  return std::move(r.body);
}

void ClickHouseClient::query(std::string_view sql, const outbound::BodySink& sink) {
  auto r = post({}, sql, sink);
  if (!r.ok()) throw ClickHouseError("ClickHouse at " + settings_.url + ": " + r.error);
}

outbound::Response ClickHouseClient::insert_tsv_rows(std::string_view table,
                                                     std::string_view columns,
                                                     std::string_view rows) {
  const std::string sql = "INSERT INTO " + settings_.database + "." + std::string(table) + " (" +
                          std::string(columns) + ") FORMAT TabSeparated";
  return post(sql, rows, {});
}

}  // namespace linktrack::analytics
