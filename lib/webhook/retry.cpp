#include "webhook/retry.hpp"

#include <algorithm>
#include <array>

namespace linktrack::webhook {

std::int64_t retry_delay_ms(int failures, double jitter) {
  constexpr std::array<std::int64_t, 6> kSchedule = {5'000,         5 * 60'000,    30 * 60'000,
                                                     2 * 3'600'000, 5 * 3'600'000, 10 * 3'600'000};
  const auto base = kSchedule[static_cast<std::size_t>(
      std::clamp(failures, 1, static_cast<int>(kSchedule.size())) - 1)];
  return base +
         static_cast<std::int64_t>(static_cast<double>(base) * 0.2 * std::clamp(jitter, 0.0, 1.0));
}

Decision decide(const Answer& a, int attempts, std::int64_t created_ms, std::int64_t now_ms,
                std::int64_t max_age_ms, double jitter) {
  Decision d;
  if (a.status >= 200 && a.status < 300) {
    d.action = Decision::Action::acknowledge;
    return d;
  }
  d.error = a.error;
  if (a.status == 410) {
    d.action = Decision::Action::disable;
    d.failure = Failure::gone;
    return d;
  }
  const bool asks_to_wait =
      a.status == 429 || a.status == 502 || a.status == 503 || a.status == 504;
  if (a.transport)
    d.failure = *a.transport;
  else if (a.status == 429)
    d.failure = Failure::rate_limited;
  else if (a.status >= 500 || a.status < 200)
    d.failure = Failure::http_5xx;
  else if (a.status < 400)
    d.failure = Failure::redirect;  // not followed: the signed request goes to the URL given
  else
    d.failure = Failure::http_4xx;
  std::int64_t delay = retry_delay_ms(attempts, jitter);
  if (asks_to_wait && a.retry_after_s)  // at least a second: never a tight loop
    delay = std::max<std::int64_t>(1000, *a.retry_after_s * 1000);
  d.next_attempt_ms = now_ms + delay;
  d.action = d.next_attempt_ms >= created_ms + max_age_ms ? Decision::Action::dead_letter
                                                          : Decision::Action::retry;
  return d;
}

}  // namespace linktrack::webhook
