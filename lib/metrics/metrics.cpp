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

void Metrics::observe_latency(http::Route route, std::chrono::nanoseconds took) {
  const double seconds = std::chrono::duration<double>(took).count();
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kLatencyBounds.begin(), kLatencyBounds.end(), seconds) -
      kLatencyBounds.begin());
  const auto r = static_cast<std::size_t>(route);
  latency_buckets[r][bucket].fetch_add(1, std::memory_order_relaxed);
  latency_nanos[r].fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
}

std::uint16_t Metrics::domain_slot(const std::string& host) {
  std::lock_guard lock(domain_names_mutex_);
  auto it = std::find(domain_names_.begin(), domain_names_.end(), host);
  if (it != domain_names_.end()) return static_cast<std::uint16_t>(it - domain_names_.begin());
  if (domain_names_.size() == kDomainSlots) return kDomainSlots;
  domain_names_.push_back(host);
  return static_cast<std::uint16_t>(domain_names_.size() - 1);
}

std::vector<std::string> Metrics::domain_names() const {
  std::lock_guard lock(domain_names_mutex_);
  return domain_names_;
}

std::string render(const Metrics& m, const clicklog::WriterStats& w,
                   const std::vector<CertificateExpiry>& certificates) {
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
  o << "# HELP linktrack_request_duration_seconds Time from a request read to its answer "
       "written, by route.\n"
       "# TYPE linktrack_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < http::kRouteCount; ++r) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kLatencyBounds.size(); ++b)
      cumulative += load(m.latency_buckets[r][b]);
    if (!cumulative) continue;
    const std::string route = std::string("route=\"") + http::kRouteNames[r] + "\"";
    cumulative = 0;
    for (std::size_t b = 0; b < kLatencyBounds.size(); ++b) {
      cumulative += load(m.latency_buckets[r][b]);
      o << "linktrack_request_duration_seconds_bucket{" << route << ",le=\"" << kLatencyBounds[b]
        << "\"} " << cumulative << "\n";
    }
    cumulative += load(m.latency_buckets[r][kLatencyBounds.size()]);
    o << "linktrack_request_duration_seconds_bucket{" << route << ",le=\"+Inf\"} " << cumulative
      << "\n";
    o << "linktrack_request_duration_seconds_sum{" << route << "} "
      << static_cast<double>(load(m.latency_nanos[r])) / 1e9 << "\n";
    o << "linktrack_request_duration_seconds_count{" << route << "} " << cumulative << "\n";
  }
  o << "# HELP linktrack_domain_requests_total Requests for each configured domain, by route.\n"
       "# TYPE linktrack_domain_requests_total counter\n";
  const auto names = m.domain_names();
  for (std::size_t d = 0; d <= kDomainSlots; ++d) {
    if (d < kDomainSlots && d >= names.size()) continue;
    for (std::size_t r = 0; r < http::kRouteCount; ++r) {
      const auto v = load(m.domain_requests[d][r]);
      if (!v) continue;
      o << "linktrack_domain_requests_total{domain=\"" << (d < names.size() ? names[d] : "other")
        << "\",route=\"" << http::kRouteNames[r] << "\"} " << v << "\n";
    }
  }
  if (!certificates.empty()) {
    o << "# HELP linktrack_certificate_expiry_timestamp_seconds When each domain's certificate "
         "expires (notAfter, Unix time), as loaded at start or the last reload.\n"
         "# TYPE linktrack_certificate_expiry_timestamp_seconds gauge\n";
    for (const auto& c : certificates)
      o << "linktrack_certificate_expiry_timestamp_seconds{domain=\"" << c.domain << "\"} "
        << c.not_after_seconds << "\n";
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
