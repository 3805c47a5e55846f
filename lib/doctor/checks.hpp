// The doctor's verdicts: for each thing a tracking domain needs, pass or fail, what was seen,
// and what fixes a failure. Pure: a function of the observations.
#pragma once

#include <string>
#include <vector>

#include "doctor/observations.hpp"

namespace linktrack::doctor {

enum class Outcome { pass, fail, skip };

struct Check {
  std::string name;  // "DNS", "certificate", …
  Outcome outcome = Outcome::pass;
  std::string detail;  // what was seen
  std::string fix;     // for a failure: what to do
};

// Certificates expiring sooner than this fail (and show red in the dashboard).
inline constexpr std::int64_t kExpiryWarningDays = 14;

std::vector<Check> evaluate(const DomainObservations& o);

}  // namespace linktrack::doctor
