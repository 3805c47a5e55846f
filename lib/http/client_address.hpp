// The client's address: the peer's, or the forwarded one when the peer is a trusted proxy.
#pragma once

#include <string_view>
#include <vector>

#include "net/cidr.hpp"

namespace linktrack::http {

// When `peer` is in `trusted`, the right-most address of X-Forwarded-For that is not itself
// trusted (or CF-Connecting-IP when there is no X-Forwarded-For); otherwise `peer`. Headers
// from untrusted peers are ignored: anyone can send them.
net::IpAddress client_address(const net::IpAddress& peer, std::string_view x_forwarded_for,
                              std::string_view cf_connecting_ip,
                              const std::vector<net::Cidr>& trusted);

}  // namespace linktrack::http
