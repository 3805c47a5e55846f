// The rule every redirect destination must pass, at signing time and again at redirect time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/url/url_view.hpp>

namespace linktrack::token {

inline constexpr std::size_t kMaxDestinationBytes = 4096;

// nullopt when `url` is an acceptable destination: absolute http or https with a host, no
// control characters or spaces, at most 4 KiB. Otherwise a message saying what is wrong.
std::optional<std::string> destination_problem(std::string_view url);
// The same, keeping the parse for a caller that needs it (it refers to `url`'s bytes).
std::optional<std::string> destination_problem(std::string_view url, boost::urls::url_view& parsed);

}  // namespace linktrack::token
