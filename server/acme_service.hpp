// The ACME manager as a Service: on a thread of its own it obtains and renews the certificates
// of `tls: auto` domains and of on-demand names (acme.on_demand), keeps the account, answers
// challenges through AcmeCertificates, and swaps each new certificate in without a restart.
// A failed renewal keeps the old certificate served and backs off; several nodes sharing
// `acme.storage` take turns by lock file, and each picks up what another stored. Its state is
// in /metrics (linktrack_acme_*), the log, and storage/status/HOST.json (`linktrack doctor`).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "acme/account_key.hpp"
#include "acme/client.hpp"
#include "acme/on_demand_gate.hpp"
#include "acme/storage.hpp"
#include "acme_certificates.hpp"
#include "service.hpp"

namespace linktrack::server {

class AcmeService final : public Service {
 public:
  AcmeService(std::shared_ptr<const config::Config> config, AcmeCertificates& certificates);
  ~AcmeService() override;

  const char* name() const override { return "acme"; }
  // Loads the stored certificates (so the first handshakes find them), then runs the thread.
  void start() override;
  void apply(const std::shared_ptr<const config::Config>& config) override;
  void stop() override;

  bool on_demand() const { return config_->acme && config_->acme->on_demand.has_value(); }
  // From an I/O thread, for a handshake naming `host` that has no certificate: obtain one if
  // the on-demand rules allow it. `done` is called once (from the manager's thread, or at once
  // when the queue is full) when it is installed or refused. Never blocks.
  void obtain(const std::string& host, std::function<void()> done);

  std::string render_metrics() const;

 private:
  struct Managed {
    std::vector<std::string> names;  // the host first, then its aliases
    bool configured = true;          // a `tls: auto` domain; false: on demand
    std::int64_t not_before = 0, not_after = 0, renew_at = 0;  // 0: no certificate yet
    std::int64_t modified_ns = 0;    // the stored file's, to notice another node's renewal
    int failures = 0;
    std::int64_t next_try = 0;
    std::string last_error;
  };
  class Responder;

  void run();
  void sync_domains(const config::Config& c);
  bool install(const std::string& host, Managed& m, const acme::StoredCertificate& stored);
  // Issues or renews `host` now; false on failure (logged, counted, backed off).
  bool attempt(const std::string& host, Managed& m);
  void ensure_account();
  void on_demand_request(const std::string& host);
  void look_at_storage(std::int64_t now);
  void write_status(const std::string& host, const Managed& m) const;
  bool pause(std::chrono::milliseconds ms);

  std::shared_ptr<const config::Config> config_;  // the running one; the thread's own copy
  AcmeCertificates& certificates_;
  acme::Storage storage_;
  std::unique_ptr<Responder> responder_;
  std::unique_ptr<acme::AccountKey> account_key_;
  std::unique_ptr<acme::Transport> transport_;
  std::unique_ptr<acme::Client> client_;
  std::unique_ptr<acme::OnDemandGate> gate_;
  std::map<std::string, Managed> managed_;  // by host; the thread's alone after start
  std::mt19937_64 random_{std::random_device{}()};

  std::thread thread_;
  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::shared_ptr<const config::Config> next_config_;
  std::deque<std::string> queue_;  // on-demand names waiting, oldest first
  std::map<std::string, std::vector<std::function<void()>>> waiting_;
  std::map<std::string, std::int64_t> next_renewal_;  // for metrics, by host
  std::map<std::string, int> failing_;                // consecutive failures, by host

  std::atomic<std::uint64_t> issued_{0}, renewed_{0}, failures_{0}, loaded_{0};
  std::atomic<std::uint64_t> on_demand_[acme::kOnDemandOutcomeCount] = {};
};

}  // namespace linktrack::server
