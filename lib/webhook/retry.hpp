// What an endpoint's answer means for its batch: acknowledged, retried (when), given up (a
// dead letter), or the endpoint disabled. Pure: the answer and the clock in, a decision out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/named_enum.hpp"

namespace linktrack::webhook {

// Why an attempt failed: the metric's `class` label.
#define LINKTRACK_WEBHOOK_FAILURES(X) \
  X(connect)                          \
  X(refused_address) X(timeout) X(tls) X(redirect) X(http_4xx) X(http_5xx) X(rate_limited) X(gone)
LINKTRACK_NAMED_ENUM(Failure, LINKTRACK_WEBHOOK_FAILURES)

// What came back from one attempt.
struct Answer {
  long status = 0;                            // 0: no HTTP answer
  std::optional<Failure> transport;           // set when there was no HTTP answer: why
  std::optional<std::int64_t> retry_after_s;  // Retry-After, as seconds from now
  std::string error;                          // for the log and `webhooks status`
  bool cancelled = false;  // abandoned because the server stops: not the endpoint's failure
};

struct Decision {
  enum class Action { acknowledge, retry, dead_letter, disable };
  Action action = Action::retry;
  std::int64_t next_attempt_ms = 0;  // retry: when
  std::optional<Failure> failure;    // every action but acknowledge
  std::string error;
};

// The Standard Webhooks schedule after the n-th failure (1-based): 5 s, 5 min, 30 min, 2 h,
// 5 h, 10 h, then 10 h again, each stretched by up to a fifth (`jitter` in [0, 1)) so that
// endpoints that failed together are not retried together.
std::int64_t retry_delay_ms(int failures, double jitter);

// `attempts` counts this one; `created_ms` is when the batch was made: it is retried until
// `max_age_ms` after, then becomes a dead letter. 410 disables the endpoint; 429, 502, 503
// and 504 wait as long as a Retry-After asks (within the age); everything else not 2xx, and no
// answer at all, follow the schedule.
Decision decide(const Answer& a, int attempts, std::int64_t created_ms, std::int64_t now_ms,
                std::int64_t max_age_ms, double jitter);

}  // namespace linktrack::webhook
