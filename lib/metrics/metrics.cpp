#include "metrics/metrics.hpp"

#include <algorithm>
#include <sstream>

namespace linktrack::metrics {

void Metrics::count_status(http::Route route, unsigned status) {
  auto it = std::find(kStatuses.begin(), kStatuses.end() - 1, status);
  requests[static_cast<std::size_t>(route)][static_cast<std::size_t>(it - kStatuses.begin())]
      .fetch_add(1, std::memory_order_relaxed);
}

void Metrics::count(const http::Response& r) {
  count_status(r.route, r.status);
  if (r.event) {
    const auto kind = static_cast<std::size_t>(r.event->kind);
    events[kind].fetch_add(1, std::memory_order_relaxed);
    verdicts[kind][static_cast<std::size_t>(r.event->verdict)].fetch_add(1,
                                                                         std::memory_order_relaxed);
  }
  if (r.rejection != http::Rejection::none)
    rejected_tokens[static_cast<std::size_t>(r.rejection)].fetch_add(1, std::memory_order_relaxed);
}

std::string render(const Metrics& m, const clicklog::WriterStats& w) {
  std::ostringstream o;
  auto load = [](const auto& a) { return a.load(std::memory_order_relaxed); };
  o << "# HELP linktrack_requests_total HTTP requests answered, by route and status.\n"
       "# TYPE linktrack_requests_total counter\n";
  for (std::size_t r = 0; r < http::kRouteCount; ++r)
    for (std::size_t s = 0; s < kStatuses.size(); ++s) {
      auto v = load(m.requests[r][s]);
      if (!v) continue;
      o << "linktrack_requests_total{route=\"" << http::kRouteNames[r] << "\",status=\""
        << (kStatuses[s] ? std::to_string(kStatuses[s]) : "other") << "\"} " << v << "\n";
    }
  o << "# HELP linktrack_rejected_tokens_total Tokens refused, by reason.\n"
       "# TYPE linktrack_rejected_tokens_total counter\n";
  for (std::size_t i = 1; i < http::kRejectionCount; ++i)  // from 1: "none" is no rejection
    o << "linktrack_rejected_tokens_total{reason=\"" << http::kRejectionNames[i] << "\"} "
      << load(m.rejected_tokens[i]) << "\n";
  auto counter = [&](const char* name, const char* help, std::uint64_t v) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n"
      << name << " " << v << "\n";
  };
  auto gauge = [&](const char* name, const char* help, std::int64_t v) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n"
      << name << " " << v << "\n";
  };
  auto events = [&](clicklog::EventKind k) { return load(m.events[static_cast<std::size_t>(k)]); };
  counter("linktrack_clicks_total", "Clicks redirected and handed to the click log.",
          events(clicklog::EventKind::click));
  counter("linktrack_opens_total", "Opens handed to the click log.",
          events(clicklog::EventKind::open));
  counter("linktrack_app_resolutions_total", "App-link resolutions handed to the click log.",
          events(clicklog::EventKind::app));
  o << "# HELP linktrack_events_total Events logged, by kind and the verdict given when logged.\n"
       "# TYPE linktrack_events_total counter\n";
  for (std::size_t k = 0; k < clicklog::kEventKindCount; ++k)
    for (std::size_t v = 0; v < classify::kVerdictCount; ++v)
      o << "linktrack_events_total{kind=\"" << clicklog::kEventKindNames[k] << "\",verdict=\""
        << classify::kVerdictNames[v] << "\"} " << load(m.verdicts[k][v]) << "\n";
  counter("linktrack_rescored_events_total",
          "Events of a message read again by the re-scorer as later clicks arrived.",
          load(m.rescored_events));
  counter("linktrack_verdict_changes_total",
          "Verdicts or reasons the re-scorer rewrote (a burst completed, a honeypot hit).",
          load(m.verdict_changes));
  counter("linktrack_rescore_errors_total", "Re-scorer passes that failed and were retried.",
          load(m.rescore_errors));
  counter("linktrack_tls_handshakes_total", "TLS handshakes completed.", load(m.tls_handshakes));
  counter("linktrack_tls_handshake_failures_total", "TLS handshakes that failed.",
          load(m.tls_handshake_failures));
  counter("linktrack_connections_accepted_total", "Connections accepted.",
          load(m.connections_accepted));
  counter("linktrack_connections_refused_total",
          "Connections closed at once: over max_connections or connections_per_client.",
          load(m.connections_refused));
  gauge("linktrack_connections_open", "Connections open now.", load(m.connections_open));
  counter("linktrack_request_exceptions_total",
          "Requests answered 500 because handling them threw an exception.",
          load(m.request_exceptions));
  counter("linktrack_sync_timeouts_total",
          "Sync durability: clicks answered at store.sync_timeout_ms, before their commit.",
          load(m.sync_timeouts));
  counter("linktrack_accept_errors_total",
          "accept() failures (out of file descriptors or memory); accepting pauses briefly.",
          load(m.accept_errors));
  counter("linktrack_reloads_total", "Successful config reloads.", load(m.reloads));
  counter("linktrack_reload_failures_total", "Reloads refused because the new config was invalid.",
          load(m.reload_failures));
  gauge("linktrack_click_queue_depth", "Events waiting for the click log writer.",
        static_cast<std::int64_t>(load(w.queue_depth)));
  counter("linktrack_click_events_written_total", "Events committed to the click log.",
          load(w.written));
  counter("linktrack_click_events_dropped_total",
          "Events lost: queue full, or not writable before exit.", load(w.dropped));
  counter("linktrack_click_write_batches_total", "Click log transactions committed.",
          load(w.batches));
  counter("linktrack_click_write_errors_total", "Click log batch attempts that failed (retried).",
          load(w.write_errors));
  counter("linktrack_click_log_reopens_total",
          "Times the click log file was deleted or replaced while open, and opened anew.",
          load(w.reopens));
  o << "# HELP linktrack_click_write_batch_seconds_total Time spent committing batches.\n"
       "# TYPE linktrack_click_write_batch_seconds_total counter\n"
       "linktrack_click_write_batch_seconds_total "
    << static_cast<double>(load(w.batch_micros_total)) / 1e6 << "\n";
  return o.str();
}

}  // namespace linktrack::metrics
