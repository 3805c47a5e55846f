// LinkFields to and from JSON: the shape `decode` prints and `sign --batch` reads.
#pragma once

#include <nlohmann/json.hpp>

#include "token/fields.hpp"

namespace linktrack::token {

nlohmann::json to_json(const LinkFields& f);

}  // namespace linktrack::token
