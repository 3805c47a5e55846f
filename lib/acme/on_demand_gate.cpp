#include "acme/on_demand_gate.hpp"

#include <algorithm>

#include "acme/renewal.hpp"

namespace linktrack::acme {
namespace {
constexpr std::size_t kRemembered = 10000;  // names whose answer or back-off is kept
}

bool host_matches(std::string_view pattern, std::string_view host) {
  if (pattern.starts_with("*.")) {
    const auto dot = host.find('.');
    return dot != std::string_view::npos && dot > 0 && host.substr(dot + 1) == pattern.substr(2);
  }
  return pattern == host;
}

bool issuable_host(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  int labels = 0;
  bool all_digits = true;
  std::size_t start = 0;
  while (start <= host.size()) {
    auto end = host.find('.', start);
    if (end == std::string_view::npos) end = host.size();
    const auto label = host.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
      if (c < '0' || c > '9') all_digits = false;
    }
    ++labels;
    start = end + 1;
  }
  return labels >= 2 && !all_digits;
}

bool RateLimit::take(std::int64_t now_ms) {
  if (last_ms_ != 0)
    tokens_ = std::min(per_minute_, tokens_ + static_cast<double>(now_ms - last_ms_) *
                                                  per_minute_ / 60000.0);
  last_ms_ = now_ms;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

OnDemandGate::OnDemandGate(Settings s)
    : settings_(std::move(s)),
      issue_budget_(settings_.issue_per_minute),
      // Asking is cheaper than issuing but still a request to someone else's server.
      ask_budget_(std::max(60.0, settings_.issue_per_minute * 10)) {}

OnDemandGate::Memory& OnDemandGate::remember(const std::string& host) {
  auto [it, fresh] = memory_.try_emplace(host);
  if (!fresh) lru_.erase(it->second.lru);
  lru_.push_front(host);
  it->second.lru = lru_.begin();
  if (memory_.size() > kRemembered) {
    memory_.erase(lru_.back());
    lru_.pop_back();
  }
  return memory_.find(host)->second;
}

OnDemandGate::Decision OnDemandGate::decide(const std::string& host, std::int64_t now_ms) {
  if (!issuable_host(host)) return {Step::refuse, OnDemandOutcome::bad_name};
  auto known = memory_.find(host);
  if (known != memory_.end() && known->second.failures > 0 && now_ms < known->second.until_ms)
    return {Step::refuse, OnDemandOutcome::backing_off};
  const bool allowed = std::any_of(settings_.allow.begin(), settings_.allow.end(),
                                   [&](const auto& p) { return host_matches(p, host); });
  if (allowed) return {Step::permit};
  if (!settings_.ask) return {Step::refuse, OnDemandOutcome::not_allowed};
  if (known != memory_.end() && known->second.failures == 0 && now_ms < known->second.until_ms) {
    if (!known->second.approved) return {Step::refuse, OnDemandOutcome::denied};
    return {Step::permit};
  }
  if (!ask_budget_.take(now_ms)) return {Step::refuse, OnDemandOutcome::rate_limited};
  return {Step::ask};
}

OnDemandGate::Decision OnDemandGate::answered(const std::string& host, bool approved, bool failed,
                                              std::int64_t now_ms) {
  if (failed) return {Step::refuse, OnDemandOutcome::ask_failed};  // asked again next time
  auto& m = remember(host);
  m.approved = approved;
  m.failures = 0;
  m.until_ms = now_ms + (approved ? settings_.ask_cache_ms : settings_.denied_cache_ms);
  if (!approved) return {Step::refuse, OnDemandOutcome::denied};
  return {Step::permit};
}

void OnDemandGate::issued(const std::string& host) {
  if (auto it = memory_.find(host); it != memory_.end()) it->second.failures = 0;
}

void OnDemandGate::failed(const std::string& host, std::int64_t now_ms, std::int64_t retry_after_s) {
  auto& m = remember(host);
  ++m.failures;
  m.until_ms = now_ms + backoff_seconds(m.failures, retry_after_s) * 1000;
}

}  // namespace linktrack::acme
