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

TEST_CASE("metrics: latency buckets, domain slots bounded, certificate expiry") {
  metrics::Metrics m;
  clicklog::WriterStats w;
  using namespace std::chrono_literals;
  m.observe_latency(http::Route::click, 80us);   // under the first bound
  m.observe_latency(http::Route::click, 700us);  // 0.001
  m.observe_latency(http::Route::click, 5s);     // +Inf only
  CHECK(m.domain_slot("a.example") == 0);
  CHECK(m.domain_slot("b.example") == 1);
  CHECK(m.domain_slot("a.example") == 0);  // the same host keeps its slot across reloads
  for (std::size_t i = 2; i < metrics::kDomainSlots; ++i)
    m.domain_slot("d" + std::to_string(i) + ".example");
  CHECK(m.domain_slot("one-too-many.example") == metrics::kDomainSlots);
  m.count_domain(0, http::Route::click);
  m.count_domain(metrics::kDomainSlots, http::Route::fallback);
  const auto text = metrics::render(m, w, {{"a.example", 1800000000}});
  auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  CHECK(has("linktrack_request_duration_seconds_bucket{route=\"click\",le=\"0.0001\"} 1"));
  CHECK(has("linktrack_request_duration_seconds_bucket{route=\"click\",le=\"0.0005\"} 1"));
  CHECK(has("linktrack_request_duration_seconds_bucket{route=\"click\",le=\"0.001\"} 2"));
  CHECK(has("linktrack_request_duration_seconds_bucket{route=\"click\",le=\"1\"} 2"));
  CHECK(has("linktrack_request_duration_seconds_bucket{route=\"click\",le=\"+Inf\"} 3"));
  CHECK(has("linktrack_request_duration_seconds_count{route=\"click\"} 3"));
  CHECK(has("linktrack_request_duration_seconds_sum{route=\"click\"} 5.00078"));
  CHECK(text.find("route=\"open\",le=") == std::string::npos);  // nothing observed: no series
  CHECK(has("linktrack_domain_requests_total{domain=\"a.example\",route=\"click\"} 1"));
  CHECK(has("linktrack_domain_requests_total{domain=\"other\",route=\"fallback\"} 1"));
  CHECK(has("linktrack_certificate_expiry_timestamp_seconds{domain=\"a.example\"} 1800000000"));
}
