// Every counter the server exposes, declared in one place, rendered as Prometheus text.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "classify/verdict.hpp"
#include "clicklog/sqlite_writer.hpp"
#include "http/response.hpp"

namespace linktrack::metrics {

inline constexpr std::array<unsigned, 15> kStatuses = {200, 204, 302, 308, 400, 404, 405, 410,
                                                       413, 421, 431, 500, 501, 503, 0};

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

  void count(const http::Response& r);
  void count_status(http::Route route, unsigned status);
};

std::string render(const Metrics& m, const clicklog::WriterStats& w);

}  // namespace linktrack::metrics
