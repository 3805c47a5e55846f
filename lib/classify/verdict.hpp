// What an event was, as far as the rules can tell: a person, a machine, or in between.
#pragma once

#include <optional>
#include <string_view>

#include "util/named_enum.hpp"

namespace linktrack::classify {

#define LINKTRACK_VERDICTS(X) X(human) X(suspect) X(bot)
LINKTRACK_NAMED_ENUM(Verdict, LINKTRACK_VERDICTS)

inline std::optional<Verdict> verdict_from(std::string_view name) {
  for (std::size_t i = 0; i < kVerdictCount; ++i)
    if (name == kVerdictNames[i]) return static_cast<Verdict>(i);
  return std::nullopt;
}

}  // namespace linktrack::classify
