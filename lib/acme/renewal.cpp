#include "acme/renewal.hpp"

#include <algorithm>

namespace linktrack::acme {

std::int64_t renewal_time(std::int64_t not_before, std::int64_t not_after,
                          std::int64_t renew_before, double jitter) {
  const std::int64_t lifetime = std::max<std::int64_t>(1, not_after - not_before);
  const std::int64_t window = renew_before > 0 ? std::min(renew_before, lifetime) : lifetime / 3;
  const auto spread = static_cast<std::int64_t>(static_cast<double>(window) / 10.0 *
                                                std::clamp(jitter, 0.0, 1.0));
  return std::max(not_before, not_after - window - spread);
}

std::int64_t backoff_seconds(int failures, std::int64_t retry_after) {
  constexpr std::int64_t kFirst = 10, kLongest = 3600;
  std::int64_t wait = kFirst;
  for (int i = 1; i < failures && wait < kLongest; ++i) wait *= 2;
  return std::max(std::min(wait, kLongest), std::min<std::int64_t>(retry_after, 86400));
}

}  // namespace linktrack::acme
