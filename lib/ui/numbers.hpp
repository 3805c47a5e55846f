// What the pages show, read through the admin API's own endpoints (api::handle_as) with the
// signed-in key: the dashboard's numbers are the API's, by construction. The few things the
// API has no endpoint for (what re-scoring changed, the newest event's id) come from the click
// log directly.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/api.hpp"
#include "clicklog/stats.hpp"
#include "clicklog/verdict_changes.hpp"
#include "ui/time_range.hpp"

namespace linktrack::ui {

// The API refused or failed: its status and message, shown on the page.
class ReadError : public std::runtime_error {
 public:
  ReadError(unsigned status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  unsigned status() const { return status_; }

 private:
  unsigned status_;
};

struct EventRow {
  std::string id, time, kind, host, campaign, link, destination, verdict, reasons;
  std::int64_t time_ms = 0;
};

class Numbers {
 public:
  Numbers(api::Context& context, const api::Caller& caller) : ctx_(context), caller_(caller) {}

  // GET /api/v1/stats?estimate=1 over the range (whole hours: the summary), grouped by `by`,
  // for one campaign when given.
  // `people` false: no unique counts (faster: no sketch is read).
  std::vector<clicklog::StatsRow> stats(const TimeRange& range, clicklog::GroupBy by,
                                        const std::optional<std::string>& campaign = {},
                                        bool people = true);
  // GET /api/v1/events: up to `limit` events after the id `after` (NODE:LOCAL or a number).
  std::vector<EventRow> events(const std::string& after, int limit);
  // The newest `limit` events, oldest first.
  std::vector<EventRow> newest_events(int limit);
  // GET /api/v1/domains.
  nlohmann::json domains();
  // GET /api/v1/events as the API answers it, for the export buttons.
  http::Response export_events(const std::string& query);

  std::vector<clicklog::VerdictChangeCount> verdict_changes(const TimeRange& range);

  // Whether a unique count read so far was estimated rather than exact.
  bool estimated() const { return estimated_; }

 private:
  http::Response call(const std::string& target);
  api::Context& ctx_;
  const api::Caller& caller_;
  bool estimated_ = false;
};

}  // namespace linktrack::ui
