#include <catch2/catch.hpp>

#include "metrics/metrics.hpp"

using namespace linktrack;

TEST_CASE("metrics: every route, status and reason is counted in its own slot and rendered") {
  metrics::Metrics m;
  clicklog::WriterStats w;
  for (std::size_t r = 0; r < http::kRouteCount; ++r) {
    http::Response resp;
    resp.route = static_cast<http::Route>(r);
    resp.status = 302;
    m.count(resp);
  }
  http::Response rejected;
  rejected.route = http::Route::click;
  rejected.status = 404;
  rejected.rejection = http::Rejection::bad_destination;
  m.count(rejected);
  http::Response odd;
  odd.status = 299;  // not a listed status: counted as "other"
  m.count(odd);
  http::Response click;
  click.status = 302;
  click.event.emplace();
  click.event->kind = clicklog::EventKind::app;
  m.count(click);
  w.written = 7;
  w.reopens = 1;
  m.sync_timeouts = 2;
  const auto text = metrics::render(m, w);
  for (const char* route : http::kRouteNames)
    CHECK(text.find(std::string("linktrack_requests_total{route=\"") + route +
                    "\",status=\"302\"}") != std::string::npos);
  CHECK(text.find("linktrack_requests_total{route=\"click\",status=\"404\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("linktrack_requests_total{route=\"other\",status=\"other\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("linktrack_rejected_tokens_total{reason=\"bad_destination\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("reason=\"none\"") == std::string::npos);
  CHECK(text.find("linktrack_app_resolutions_total 1\n") != std::string::npos);
  CHECK(text.find("linktrack_click_events_written_total 7\n") != std::string::npos);
  CHECK(text.find("linktrack_click_log_reopens_total 1\n") != std::string::npos);
  CHECK(text.find("linktrack_sync_timeouts_total 2\n") != std::string::npos);
  // Every metric has its HELP and TYPE lines.
  std::size_t helps = 0, types = 0;
  for (std::size_t at = 0; (at = text.find("# HELP ", at)) != std::string::npos; ++at) ++helps;
  for (std::size_t at = 0; (at = text.find("# TYPE ", at)) != std::string::npos; ++at) ++types;
  CHECK(helps == types);
  CHECK(helps >= 20);
}
