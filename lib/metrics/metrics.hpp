// Every counter the server exposes, declared in one place, rendered as Prometheus text.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "classify/verdict.hpp"
#include "clicklog/sqlite_writer.hpp"
#include "http/response.hpp"

namespace linktrack::metrics {

inline constexpr std::array<unsigned, 15> kStatuses = {200, 204, 302, 308, 400, 404, 405, 410,
                                                       413, 421, 431, 500, 501, 503, 0};

// Request latency buckets, in seconds (Prometheus histogram `le` bounds; +Inf follows).
inline constexpr std::array<double, 12> kLatencyBounds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};

// Domains get a label each, up to this many over the process's life (hosts seen across
// reloads); any beyond are counted together as domain="other", so the series stay bounded.
inline constexpr std::size_t kDomainSlots = 100;

// A domain's certificate expiry, as loaded at start or the last reload.
struct CertificateExpiry {
  std::string domain;
  std::int64_t not_after_seconds = 0;  // Unix time
};

struct Metrics {
  std::array<std::array<std::atomic<std::uint64_t>, kStatuses.size()>, http::kRouteCount>
      requests{};
  std::array<std::atomic<std::uint64_t>, http::kRejectionCount> rejected_tokens{};
  std::array<std::atomic<std::uint64_t>, clicklog::kEventKindCount> events{};
  std::array<std::array<std::atomic<std::uint64_t>, classify::kVerdictCount>,
             clicklog::kEventKindCount>
      verdicts{};                                 // by kind, as judged when logged
  std::atomic<std::uint64_t> rescored_events{0};  // read again by the re-scorer
  std::atomic<std::uint64_t> verdict_changes{0};  // verdicts or reasons it rewrote
  std::atomic<std::uint64_t> rescore_errors{0};   // re-scorer passes that failed (retried)
  std::atomic<std::uint64_t> tls_handshakes{0};
  std::atomic<std::uint64_t> tls_handshake_failures{0};
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_refused{0};  // over max_connections or per client
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::uint64_t> request_exceptions{0};  // answered 500 after an exception
  std::atomic<std::uint64_t> sync_timeouts{0};       // sync mode: answered before the commit
  std::atomic<std::uint64_t> accept_errors{0};       // accept() failed (out of descriptors, memory)
  std::atomic<std::uint64_t> reloads{0};
  std::atomic<std::uint64_t> reload_failures{0};

  // Per route: how long requests took from being read to being written (non-cumulative
  // bucket counts, the last for +Inf), and the sum in nanoseconds.
  std::array<std::array<std::atomic<std::uint64_t>, kLatencyBounds.size() + 1>, http::kRouteCount>
      latency_buckets{};
  std::array<std::atomic<std::uint64_t>, http::kRouteCount> latency_nanos{};
  // Requests by domain slot (see domain_slot) and route; the last slot is "other".
  std::array<std::array<std::atomic<std::uint64_t>, http::kRouteCount>, kDomainSlots + 1>
      domain_requests{};

  void count(const http::Response& r);
  void count_status(http::Route route, unsigned status);
  void count_domain(std::uint16_t slot, http::Route route) {
    domain_requests[slot][static_cast<std::size_t>(route)].fetch_add(1, std::memory_order_relaxed);
  }
  void observe_latency(http::Route route, std::chrono::nanoseconds took);
  // The slot of a domain's host, the same for the process's life; taken at config load, not
  // per request.
  std::uint16_t domain_slot(const std::string& host);
  std::vector<std::string> domain_names() const;  // by slot

 private:
  mutable std::mutex domain_names_mutex_;
  std::vector<std::string> domain_names_;
};

std::string render(const Metrics& m, const clicklog::WriterStats& w,
                   const std::vector<CertificateExpiry>& certificates = {});

}  // namespace linktrack::metrics
