// The rule every redirect destination must pass, at signing time and again at redirect time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace linktrack::token {

inline constexpr std::size_t kMaxDestinationBytes = 4096;

// nullopt when `url` is an acceptable destination: absolute http or https with a host, no
// control characters or spaces, at most 4 KiB. Otherwise a message saying what is wrong.
std::optional<std::string> destination_problem(std::string_view url);

}  // namespace linktrack::token
