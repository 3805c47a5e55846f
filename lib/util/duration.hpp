// "30d", "12h", "45m", "90s" or plain seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace linktrack::util {

std::optional<std::int64_t> parse_duration_seconds(std::string_view text);

}  // namespace linktrack::util
