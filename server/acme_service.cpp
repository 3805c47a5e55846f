#include "acme_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "acme/certificate_request.hpp"
#include "acme/http_transport.hpp"
#include "acme/renewal.hpp"
#include "clicklog/event_text.hpp"
#include "outbound/http_client.hpp"
#include "util/clock.hpp"
#include "util/thread_name.hpp"

namespace linktrack::server {
namespace {

constexpr std::size_t kMaxWaitingNames = 64;  // on-demand names queued at once
constexpr std::int64_t kStorageLookSeconds = 5;

std::int64_t now_s() {
  return util::unix_now_ms() / 1000;
}

std::string when(std::int64_t unix_s) {
  return clicklog::rfc3339_ms(unix_s * 1000);
}

}  // namespace

// Answers the CA's challenges through AcmeCertificates, with what the listeners can serve.
class AcmeService::Responder final : public acme::ChallengeResponder {
 public:
  Responder(const config::Config& c, AcmeCertificates& certificates) : certificates_(certificates) {
    for (const auto& type : c.acme->challenges) {
      if (type == "http-01" && !c.listen.http.empty()) supported_.push_back(type);
      if (type == "tls-alpn-01" && !c.listen.https.empty()) supported_.push_back(type);
    }
  }
  std::vector<std::string> supported() const override { return supported_; }
  void present(const acme::Challenge& c, const std::string& host,
               const std::string& key_authorization) override {
    spdlog::info("acme: proving {} by {}", host, c.type);
    if (c.type == "http-01") return certificates_.present_http(c.token, key_authorization);
    auto cert = acme::alpn_challenge_certificate(host, key_authorization);
    certificates_.present_alpn(host, certificates_.context_from_pem(cert.key_pem + cert.cert_pem));
  }
  void withdraw(const acme::Challenge& c, const std::string& host) override {
    if (c.type == "http-01") return certificates_.withdraw_http(c.token);
    certificates_.withdraw_alpn(host);
  }

 private:
  AcmeCertificates& certificates_;
  std::vector<std::string> supported_;
};

AcmeService::AcmeService(std::shared_ptr<const config::Config> config,
                         AcmeCertificates& certificates)
    : config_(std::move(config)),
      certificates_(certificates),
      storage_(config_->acme ? config_->acme->storage : std::string()) {
  if (!config_->acme) return;
  responder_ = std::make_unique<Responder>(*config_, certificates_);
  if (const auto& od = config_->acme->on_demand) {
    acme::OnDemandGate::Settings s;
    s.allow = od->allow;
    s.ask = od->ask.has_value();
    s.issue_per_minute = static_cast<double>(od->rate);
    gate_ = std::make_unique<acme::OnDemandGate>(s);
  }
}

AcmeService::~AcmeService() {
  stop();
}

void AcmeService::start() {
  if (!config_->acme) return;
  storage_.prepare();
  sync_domains(*config_);
  for (auto& [host, m] : managed_)
    if (auto stored = storage_.read_certificate(host)) install(host, m, *stored);
  thread_ = std::thread([this] {
    util::name_this_thread("lt-acme");
    run();
  });
}

void AcmeService::apply(const std::shared_ptr<const config::Config>& config) {
  if (!config_->acme) return;
  {
    std::lock_guard lock(mutex_);
    next_config_ = config;
  }
  wake_.notify_all();
}

void AcmeService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Handshakes still waiting go on (and fail or find a certificate) rather than hang.
  std::map<std::string, std::vector<std::function<void()>>> waiting;
  {
    std::lock_guard lock(mutex_);
    waiting.swap(waiting_);
    queue_.clear();
  }
  for (auto& [host, callbacks] : waiting)
    for (auto& done : callbacks) done();
}

void AcmeService::obtain(const std::string& host, std::function<void()> done) {
  if (!gate_) return done();
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      if (auto it = waiting_.find(host); it != waiting_.end()) {
        it->second.push_back(std::move(done));  // the same name: one issuance for all
        return;
      }
      if (waiting_.size() < kMaxWaitingNames) {
        waiting_[host].push_back(std::move(done));
        queue_.push_back(host);
        wake_.notify_all();
        return;
      }
    }
  }
  on_demand_[static_cast<std::size_t>(acme::OnDemandOutcome::busy)].fetch_add(1);
  done();
}

bool AcmeService::pause(std::chrono::milliseconds ms) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, ms, [this] { return stopping_ || !queue_.empty() || next_config_; });
  return !stopping_;
}

void AcmeService::sync_domains(const config::Config& c) {
  for (auto& [host, m] : managed_) m.configured = false;
  for (const auto& d : c.domains) {
    if (!d.tls_auto) continue;
    auto& m = managed_[d.host];
    std::vector<std::string> names = {d.host};
    names.insert(names.end(), d.aliases.begin(), d.aliases.end());
    if (m.names != names && m.not_after != 0) m.renew_at = 0;  // a new alias: a new certificate
    m.names = std::move(names);
    m.configured = true;
  }
  // A domain no longer `tls: auto` and not asked for on demand: no longer renewed.
  for (auto it = managed_.begin(); it != managed_.end();) {
    const bool on_demand_name = it->second.names.size() == 1 && gate_ && it->second.not_after != 0;
    if (!it->second.configured && !on_demand_name) {
      it = managed_.erase(it);
    } else {
      ++it;
    }
  }
}

bool AcmeService::install(const std::string& host, Managed& m,
                          const acme::StoredCertificate& stored) {
  try {
    auto ctx = certificates_.context_from_pem(stored.pem);
    // A stored certificate must name what is asked of it (aliases added since are not).
    certificates_.install(m.names, std::move(ctx), stored.not_after);
  } catch (const std::exception& e) {
    spdlog::error("acme: the stored certificate for {} cannot be used: {}", host, e.what());
    return false;
  }
  const double jitter = std::uniform_real_distribution<double>(0, 1)(random_);
  m.not_before = stored.not_before;
  m.not_after = stored.not_after;
  m.modified_ns = stored.modified_ns;
  m.renew_at = acme::renewal_time(stored.not_before, stored.not_after,
                                  config_->acme->renew_before_seconds, jitter);
  {
    std::lock_guard lock(mutex_);
    next_renewal_[host] = m.renew_at;
  }
  loaded_.fetch_add(1);
  return true;
}

void AcmeService::ensure_account() {
  if (client_) return;
  const auto& a = *config_->acme;
  acme::StorageLock lock(storage_, "account");
  if (!lock.held()) throw std::runtime_error("another node is creating the ACME account");
  auto pem = storage_.read_account_key(a.directory);
  acme::Pkey key = pem ? acme::read_private_key_pem(*pem) : nullptr;
  if (!key) {
    key = acme::new_p256_key();
    storage_.write_account_key(a.directory, acme::private_key_pem(key.get()));
    spdlog::info("acme: made a new account key in {}", storage_.account_dir(a.directory));
  }
  account_key_ = std::make_unique<acme::AccountKey>(std::move(key));
  transport_ = std::make_unique<acme::HttpTransport>(a.ca_file, 30000, nullptr);
  auto client = std::make_unique<acme::Client>(
      *transport_, *account_key_, a.directory, [this](std::chrono::milliseconds ms) {
        std::unique_lock wait_lock(mutex_);
        wake_.wait_for(wait_lock, ms, [this] { return stopping_.load(); });
        return !stopping_;
      });
  const std::string known = storage_.read_account_url(a.directory);
  const std::string url = client->account(a.email, known);
  if (url != known) {
    storage_.write_account_url(a.directory, url);
    spdlog::info("acme: account {} at {}", url, a.directory);
  }
  client_ = std::move(client);
}

bool AcmeService::attempt(const std::string& host, Managed& m) {
  const std::int64_t now = now_s();
  acme::StorageLock lock(storage_, host);
  if (!lock.held()) {  // another node is at it: look at what it stored in a while
    m.next_try = now + kStorageLookSeconds;
    return false;
  }
  // Another node may have renewed it meanwhile.
  if (auto stored = storage_.read_certificate(host);
      stored && stored->modified_ns != m.modified_ns && stored->not_after > now) {
    Managed probe = m;
    if (install(host, m, *stored) && m.renew_at > now) return true;
    m = probe;
  }
  const bool renewal = m.not_after != 0;
  try {
    ensure_account();
    auto issued = client_->issue(m.names, *responder_);
    storage_.write_certificate(host, issued.key_pem, issued.chain_pem);
    auto stored = storage_.read_certificate(host);
    if (!stored || !install(host, m, *stored))
      throw std::runtime_error("the new certificate could not be stored and read back");
    m.failures = 0;
    m.next_try = 0;
    m.last_error.clear();
    spdlog::info("acme: {} certificate for {} (valid until {}, renewal from {})",
                 renewal ? "renewed the" : "obtained a", fmt::join(m.names, ", "),
                 when(m.not_after), when(m.renew_at));
    write_status(host, m);
    {
      std::lock_guard status_lock(mutex_);
      failing_[host] = 0;
    }
    // Counted last: whoever sees the count sees the status file and the gauges with it.
    (renewal ? renewed_ : issued_).fetch_add(1);
    return true;
  } catch (const std::exception& e) {
    std::int64_t retry_after = 0;
    if (const auto* refused = dynamic_cast<const acme::AcmeError*>(&e)) {
      retry_after = refused->retry_after_s.value_or(0);
      if (refused->problem.is("accountDoesNotExist")) {
        client_.reset();  // made again, with a new account, next time
        storage_.write_account_url(config_->acme->directory, "");
      }
    }
    if (dynamic_cast<const acme::ProtocolError*>(&e)) client_.reset();  // directory again
    ++m.failures;
    m.last_error = e.what();
    m.next_try = now + acme::backoff_seconds(m.failures, retry_after);
    if (renewal)
      spdlog::warn(
          "acme: renewing {} failed ({} in a row): {}; still serving the certificate valid until "
          "{}; next try at {}",
          host, m.failures, e.what(), when(m.not_after), when(m.next_try));
    else
      spdlog::warn("acme: obtaining a certificate for {} failed ({} in a row): {}; next try at {}",
                   host, m.failures, e.what(), when(m.next_try));
    write_status(host, m);
    {
      std::lock_guard status_lock(mutex_);
      failing_[host] = m.failures;
    }
    failures_.fetch_add(1);  // last, as above
    return false;
  }
}

void AcmeService::write_status(const std::string& host, const Managed& m) const {
  nlohmann::json j = {
      {"host", host},           {"names", m.names},       {"not_after", m.not_after},
      {"renew_at", m.renew_at}, {"failures", m.failures}, {"last_error", m.last_error},
      {"next_try", m.next_try}, {"updated", now_s()}};
  try {
    storage_.write_status(host, j.dump(2) + "\n");
  } catch (const std::exception& e) {
    spdlog::warn("acme: {}", e.what());
  }
}

void AcmeService::on_demand_request(const std::string& host) {
  using acme::OnDemandOutcome;
  auto outcome = OnDemandOutcome::issued;
  const auto now_ms = util::unix_now_ms();
  auto decision = gate_->decide(host, now_ms);
  if (decision.step == acme::OnDemandGate::Step::ask) {
    const auto& ask = *config_->acme->on_demand->ask;
    outbound::ClientOptions options;
    options.timeout_ms = 3000;
    options.user_agent = "linktrack-acme";
    outbound::HttpClient client(options);
    auto answer =
        client.get(ask + (ask.find('?') == std::string::npos ? "?" : "&") + "domain=" + host);
    if (answer.status == 0)
      spdlog::warn("acme: the on-demand ask endpoint gave no answer for {}: {}", host,
                   answer.error);
    decision = gate_->answered(host, answer.ok(), answer.status == 0 || answer.status >= 500,
                               util::unix_now_ms());
  }
  if (decision.step == acme::OnDemandGate::Step::refuse) {
    outcome = decision.refusal;
  } else if (managed_.contains(host) && managed_[host].not_after > now_s()) {
    outcome = OnDemandOutcome::issued;  // it came while this request waited
  } else {
    Managed& m = managed_[host];
    if (m.names.empty()) {
      m.names = {host};
      m.configured = false;
    }
    auto stored = storage_.read_certificate(host);
    if (stored && stored->not_after > now_s() && install(host, m, *stored)) {
      spdlog::info("acme: on demand, serving the stored certificate for {}", host);
    } else if (!gate_->spend(now_ms)) {
      outcome = OnDemandOutcome::rate_limited;
    } else if (attempt(host, m)) {
      gate_->issued(host);
    } else {
      gate_->failed(host, now_ms);
      outcome = OnDemandOutcome::failed;
    }
    if (m.not_after == 0) managed_.erase(host);
  }
  on_demand_[static_cast<std::size_t>(outcome)].fetch_add(1);
  if (outcome != OnDemandOutcome::issued)
    spdlog::info("acme: on-demand certificate for {} refused: {}", host, to_string(outcome));
}

void AcmeService::look_at_storage(std::int64_t now) {
  for (const auto& host : storage_.take_renewal_requests()) {
    auto it = managed_.find(host);
    if (it == managed_.end()) {
      spdlog::warn("acme: renewal asked for {}, which is not a tls: auto domain or on-demand name",
                   host);
      continue;
    }
    spdlog::info("acme: renewal of {} asked for", host);
    it->second.renew_at = now;
    it->second.next_try = 0;
  }
  // What another node sharing the storage obtained.
  for (auto& [host, m] : managed_) {
    auto stored = storage_.read_certificate(host);
    if (stored && stored->modified_ns != m.modified_ns && stored->not_after > m.not_after) {
      if (install(host, m, *stored)) {
        m.failures = 0;
        m.next_try = 0;
        spdlog::info("acme: took the certificate for {} another node stored (valid until {})", host,
                     when(m.not_after));
      }
    }
  }
}

void AcmeService::run() {
  std::int64_t last_look = 0;
  for (;;) {
    std::vector<std::string> hosts;
    std::shared_ptr<const config::Config> next;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      next = std::exchange(next_config_, nullptr);
      hosts.assign(queue_.begin(), queue_.end());
      queue_.clear();
    }
    try {
      if (next) sync_domains(*next);
      for (const auto& host : hosts) {
        if (stopping_) return;
        on_demand_request(host);
        std::vector<std::function<void()>> callbacks;
        {
          std::lock_guard lock(mutex_);
          if (auto it = waiting_.find(host); it != waiting_.end()) {
            callbacks = std::move(it->second);
            waiting_.erase(it);
          }
        }
        for (auto& done : callbacks) done();
      }
      const std::int64_t now = now_s();
      if (now - last_look >= kStorageLookSeconds) {
        last_look = now;
        look_at_storage(now);
      }
      for (auto& [host, m] : managed_) {
        if (stopping_) return;
        const bool due = m.not_after == 0 || now >= m.renew_at;
        if (due && now >= m.next_try) attempt(host, m);
      }
    } catch (const std::exception& e) {
      failures_.fetch_add(1);
      spdlog::error("acme: {}", e.what());
    }
    if (!pause(std::chrono::seconds(1))) return;
  }
}

std::string AcmeService::render_metrics() const {
  if (!config_->acme) return {};
  std::string out = fmt::format(
      "# HELP linktrack_acme_certificates_issued_total Certificates obtained from the ACME CA "
      "for names that had none.\n"
      "# TYPE linktrack_acme_certificates_issued_total counter\n"
      "linktrack_acme_certificates_issued_total {}\n"
      "# HELP linktrack_acme_certificates_renewed_total Certificates renewed.\n"
      "# TYPE linktrack_acme_certificates_renewed_total counter\n"
      "linktrack_acme_certificates_renewed_total {}\n"
      "# HELP linktrack_acme_failures_total Issuances and renewals that failed (retried with "
      "back-off).\n"
      "# TYPE linktrack_acme_failures_total counter\nlinktrack_acme_failures_total {}\n"
      "# HELP linktrack_acme_on_demand_total On-demand names by what became of them.\n"
      "# TYPE linktrack_acme_on_demand_total counter\n",
      issued_.load(), renewed_.load(), failures_.load());
  for (std::size_t i = 0; i < acme::kOnDemandOutcomeCount; ++i)
    out += fmt::format("linktrack_acme_on_demand_total{{outcome=\"{}\"}} {}\n",
                       acme::kOnDemandOutcomeNames[i], on_demand_[i].load());
  std::lock_guard lock(mutex_);
  out +=
      "# HELP linktrack_acme_next_renewal_timestamp_seconds When each certificate from ACME is "
      "due for renewal.\n"
      "# TYPE linktrack_acme_next_renewal_timestamp_seconds gauge\n";
  for (const auto& [host, at] : next_renewal_)
    out += fmt::format("linktrack_acme_next_renewal_timestamp_seconds{{domain=\"{}\"}} {}\n", host,
                       at);
  out +=
      "# HELP linktrack_acme_consecutive_failures Failed attempts in a row, by domain (0 once "
      "one succeeds).\n"
      "# TYPE linktrack_acme_consecutive_failures gauge\n";
  for (const auto& [host, n] : failing_)
    out += fmt::format("linktrack_acme_consecutive_failures{{domain=\"{}\"}} {}\n", host, n);
  return out;
}

}  // namespace linktrack::server
