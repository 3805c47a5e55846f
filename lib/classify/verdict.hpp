// What an event was, as far as the rules can tell: a person, a machine, or in between.
#pragma once

#include "util/named_enum.hpp"

namespace linktrack::classify {

#define LINKTRACK_VERDICTS(X) X(human) X(suspect) X(bot)
LINKTRACK_NAMED_ENUM(Verdict, LINKTRACK_VERDICTS)

}  // namespace linktrack::classify
