// When certificates are renewed and failures retried: pure arithmetic on Unix seconds.
#pragma once

#include <cstdint>

namespace linktrack::acme {

// When to renew a certificate valid from `not_before` to `not_after`: `renew_before` seconds
// ahead of its end (0: a third of its lifetime), moved earlier by up to a tenth of that window
// by `jitter` (0..1) so that certificates issued together do not all renew in the same minute.
std::int64_t renewal_time(std::int64_t not_before, std::int64_t not_after,
                          std::int64_t renew_before, double jitter);

// How long to wait after `failures` failures in a row (1, 2, …): 10 s doubling to an hour, or
// what the CA asked for (Retry-After) when that is longer.
std::int64_t backoff_seconds(int failures, std::int64_t retry_after = 0);

}  // namespace linktrack::acme
