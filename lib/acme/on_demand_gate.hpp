// Which unknown server names may get a certificate at their first handshake (acme.on_demand),
// decided without I/O; the manager asks the `ask` endpoint when told to, and reports back.
// Everything it remembers is bounded, and every path that costs something (asking, issuing)
// is rate-limited, so a flood of random names costs at most a few table entries.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/named_enum.hpp"

namespace linktrack::acme {

// What became of an on-demand name, the label of linktrack_acme_on_demand_total.
#define LINKTRACK_ON_DEMAND_OUTCOMES(X) \
  X(issued) X(bad_name) X(not_allowed) X(denied) X(ask_failed) X(rate_limited) X(backing_off) \
  X(busy) X(failed) X(timed_out)
LINKTRACK_NAMED_ENUM(OnDemandOutcome, LINKTRACK_ON_DEMAND_OUTCOMES)

// "links.example.com", or "*.example.com" for any one label in front of example.com.
bool host_matches(std::string_view pattern, std::string_view host);
// A DNS name a public CA could issue for: two labels or more, letters, digits and inner
// hyphens, no IP address; lower case.
bool issuable_host(std::string_view host);

// A token bucket: `per_minute` at most in any minute, spread out.
class RateLimit {
 public:
  explicit RateLimit(double per_minute) : per_minute_(per_minute), tokens_(per_minute) {}
  bool take(std::int64_t now_ms);

 private:
  double per_minute_;
  double tokens_;
  std::int64_t last_ms_ = 0;
};

class OnDemandGate {
 public:
  struct Settings {
    std::vector<std::string> allow;
    bool ask = false;  // an ask endpoint is configured
    double issue_per_minute = 10;
    std::int64_t ask_cache_ms = 3600 * 1000;   // how long an answer of the ask endpoint holds
    std::int64_t denied_cache_ms = 600 * 1000;  // and a refusal
  };
  // permit: the name may have a certificate (one stored is used; else spend() before issuing).
  enum class Step { permit, ask, refuse };
  struct Decision {
    Step step;
    OnDemandOutcome refusal = OnDemandOutcome::not_allowed;  // when refused
  };

  explicit OnDemandGate(Settings s);
  // What to do for `host` now.
  Decision decide(const std::string& host, std::int64_t now_ms);
  // The ask endpoint's answer (approved, refused, or no answer) for `host`.
  Decision answered(const std::string& host, bool approved, bool failed, std::int64_t now_ms);
  // One issuance from the budget (issue_per_minute); false when it is spent.
  bool spend(std::int64_t now_ms) { return issue_budget_.take(now_ms); }
  // How issuing went: failures back off per name (10 s doubling to an hour).
  void issued(const std::string& host);
  void failed(const std::string& host, std::int64_t now_ms, std::int64_t retry_after_s = 0);

 private:
  struct Memory {
    bool approved = false;
    std::int64_t until_ms = 0;
    int failures = 0;
    std::list<std::string>::iterator lru;
  };
  Memory& remember(const std::string& host);

  Settings settings_;
  RateLimit issue_budget_;
  RateLimit ask_budget_;
  std::unordered_map<std::string, Memory> memory_;  // ask answers and back-offs, by name
  std::list<std::string> lru_;                      // most recent first
};

}  // namespace linktrack::acme
