// ClickHouse through its HTTP interface: statements, queries read whole or streamed, and
// INSERTs of JSONEachRow text. One client belongs to one thread and keeps its connection.
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "outbound/http_client.hpp"

namespace linktrack::analytics {

class ClickHouseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ClickHouseClient {
 public:
  // `max_answer_bytes` bounds an answer read whole (query()).
  explicit ClickHouseClient(const config::ClickHouse& settings,
                            const std::atomic<bool>* cancel = nullptr,
                            std::size_t max_answer_bytes = 64 << 20);

  // Runs `sql`, returns its answer; throws ClickHouseError when it cannot.
  std::string query(std::string_view sql);
  // The same, the answer streamed to `sink`.
  void query(std::string_view sql, const outbound::BodySink& sink);
  // INSERT INTO `table` (`columns`) FORMAT TabSeparated with `rows`. The answer as it came: a
  // transport failure or status is the caller's to judge (the shipper retries).
  outbound::Response insert_tsv_rows(std::string_view table, std::string_view columns,
                                     std::string_view rows);

  const config::ClickHouse& settings() const { return settings_; }
  // The configured database, written into statements (validation keeps it a plain name).
  const std::string& database() const { return settings_.database; }

 private:
  std::string url_for(std::string_view sql) const;
  outbound::Response post(std::string_view sql, std::string_view body,
                          const outbound::BodySink& sink);

  config::ClickHouse settings_;
  outbound::HttpClient http_;
};

// A string literal for ClickHouse SQL: quoted, with \ and ' escaped. Statements are built with
// literals because ClickHouse 18.16 has no query parameters ({name:Type} came in 19.x).
std::string quote(std::string_view text);

}  // namespace linktrack::analytics
