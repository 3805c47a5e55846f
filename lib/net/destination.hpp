// The rule every redirect destination must pass, at signing time and again at redirect time,
// and the one place that turns an accepted destination into the Location a browser is sent to.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace linktrack::net {

inline constexpr std::size_t kMaxDestinationBytes = 4096;

// An accepted destination: `location` is the URL to send the browser to: the destination's
// own bytes, except that characters RFC 3986 does not allow where they stand (`[ ] { } | ^ " <
// > \` and a backquote in a query or fragment, a `%` not followed by two hex digits) are
// percent-encoded, as browsers do when they follow the link. `location` views the checked
// string, or `encoded` when something had to be encoded. Every accepted location is a URI that
// Boost.URL's parse_uri() accepts (tests/fuzz/fuzz_destination.cpp checks it on every input).
struct Destination {
  std::string_view location;
  std::size_t query = std::string_view::npos;     // where its '?' is, if it has one
  std::size_t fragment = std::string_view::npos;  // where its '#' is, if it has one
  std::string encoded;
  Destination() = default;
  Destination(const Destination&) = delete;  // the views may point into `encoded`
  Destination& operator=(const Destination&) = delete;
};

// nullopt when `url` is an acceptable destination: absolute http or https with a host and no
// user-info, a port up to 65535, no control characters, spaces or bytes above 0x7f, at most
// 4 KiB, nothing a browser would read differently from RFC 3986 (a backslash before the query).
// Otherwise the reason, in words an operator can act on.
std::optional<std::string> destination_problem(std::string_view url);
// The same, filling `out` for a caller that redirects there; `out` may view `url`.
std::optional<std::string> destination_problem(std::string_view url, Destination& out);

}  // namespace linktrack::net
