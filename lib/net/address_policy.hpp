// Which addresses an outbound request (a webhook) may reach: not this machine, its link, its
// private networks or the cloud's metadata service, unless the operator allows them. Checked
// on the address actually connected to, after DNS resolution, so a name that resolves (or
// re-resolves) to an inside address is refused as well.
#pragma once

#include <optional>
#include <string>

#include "net/cidr.hpp"

namespace linktrack::net {

// The name of the special-purpose range (RFC 6890) `addr` is in, e.g. "loopback",
// "private", "link-local"; nullopt for an address on the public internet.
std::optional<std::string> special_purpose_range(const IpAddress& addr);

}  // namespace linktrack::net
