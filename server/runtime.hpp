// What every connection shares: the current config snapshot and certificates (swapped on
// reload), the click sink, metrics and connection limits.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "clicklog/sink.hpp"
#include "clicklog/sqlite_writer.hpp"
#include "http/snapshot.hpp"
#include "metrics/metrics.hpp"
#include "tls_registry.hpp"
#include "token/codec.hpp"
#include "util/published.hpp"

namespace linktrack::server {

struct State {
  std::shared_ptr<const http::Snapshot> snapshot;
  std::shared_ptr<TlsRegistry> tls;         // null when no domain has TLS
  std::vector<std::uint16_t> domain_slots;  // each domain's metrics slot, in config order
  std::vector<metrics::CertificateExpiry> certificates;
};

class Runtime {
 public:
  // The first state follows with replace(): building it takes the metrics' domain slots.
  Runtime(clicklog::ClickSink& sink, clicklog::WriterStats& writer_stats)
      : state_(nullptr), sink_(sink), writer_stats_(writer_stats) {}

  std::shared_ptr<const State> state() const { return state_.get(); }
  void replace(std::shared_ptr<const State> next) { state_.replace(std::move(next)); }

  // This thread's snapshot and a token codec over its keys, refreshed after a reload. Each
  // I/O thread runs one io_context, so a thread-local cache needs no lock on the hot path.
  struct ThreadView {
    std::uint64_t generation = ~std::uint64_t{0};
    std::shared_ptr<const State> state;
    std::unique_ptr<token::TokenCodec> codec;
  };
  ThreadView& thread_view() {
    thread_local ThreadView view;
    if (state_.refresh(view.generation, view.state))
      view.codec = std::make_unique<token::TokenCodec>(view.state->snapshot->keyring);
    return view;
  }

  // Connection admission. Over max_connections (or what the descriptor limit leaves room
  // for) or over connections_per_client: refused. A trusted proxy carries many clients, so the
  // per-client limit does not apply to it: it is admitted uncounted.
  enum class Admission { refused, counted, uncounted };
  Admission admit(const net::IpAddress& peer);
  void release(const net::IpAddress& peer, Admission admission);
  void set_connection_room(std::int64_t room) { connection_room_ = room; }
  // Waits until no counted connection is open, or `deadline`.
  void wait_idle(std::chrono::steady_clock::time_point deadline);

  // Certificates and challenge answers from ACME; empty without an `acme` section.
  AcmeCertificates& acme_certificates() { return acme_certificates_; }
  // For a handshake naming a name with no certificate: obtains one on demand (acme.on_demand)
  // and calls back; unset when on-demand is off. Set before the listeners start.
  using OnDemand = std::function<void(const std::string& host, std::function<void()> done)>;
  const OnDemand& on_demand() const { return on_demand_; }
  std::int64_t on_demand_wait_ms() const { return on_demand_wait_ms_; }
  void set_on_demand(OnDemand f, std::int64_t wait_ms) {
    on_demand_ = std::move(f);
    on_demand_wait_ms_ = wait_ms;
  }

  clicklog::ClickSink& sink() { return sink_; }
  metrics::Metrics& metrics() { return metrics_; }
  const clicklog::WriterStats& writer_stats() const { return writer_stats_; }

 private:
  util::Published<State> state_;
  clicklog::ClickSink& sink_;
  clicklog::WriterStats& writer_stats_;
  metrics::Metrics metrics_;
  AcmeCertificates acme_certificates_;
  OnDemand on_demand_;
  std::int64_t on_demand_wait_ms_ = 0;
  std::mutex clients_mutex_;
  std::condition_variable idle_;  // notified when the last counted connection closes
  std::unordered_map<std::string, std::int64_t> per_client_;
  std::int64_t connection_room_ = std::numeric_limits<std::int64_t>::max();
};

}  // namespace linktrack::server
