#include "net/address_policy.hpp"

#include <vector>

namespace linktrack::net {
namespace {

struct Range {
  const char* cidr;
  const char* name;
};
// IANA's special-purpose registries (RFC 6890 and updates), the ranges a request from a server
// must not reach: one list, parsed once.
constexpr Range kSpecialRanges[] = {
    {"0.0.0.0/8", "this network"},
    {"10.0.0.0/8", "private"},
    {"100.64.0.0/10", "shared address space (CGNAT)"},
    {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link-local (cloud metadata)"},
    {"172.16.0.0/12", "private"},
    {"192.0.0.0/24", "IETF protocol assignments"},
    {"192.0.2.0/24", "documentation"},
    {"192.168.0.0/16", "private"},
    {"198.18.0.0/15", "benchmarking"},
    {"198.51.100.0/24", "documentation"},
    {"203.0.113.0/24", "documentation"},
    {"224.0.0.0/4", "multicast"},
    {"240.0.0.0/4", "reserved"},
    {"::/128", "unspecified"},
    {"::1/128", "loopback"},
    {"64:ff9b:1::/48", "local-use NAT64"},
    {"100::/64", "discard-only"},
    {"2001:db8::/32", "documentation"},
    {"fc00::/7", "unique local (private)"},
    {"fe80::/10", "link-local"},
    {"ff00::/8", "multicast"},
};

}  // namespace

std::optional<std::string> special_purpose_range(const IpAddress& addr) {
  static const auto ranges = [] {
    std::vector<std::pair<Cidr, const char*>> out;
    for (const auto& r : kSpecialRanges) out.emplace_back(*Cidr::parse(r.cidr), r.name);
    return out;
  }();
  const IpAddress a = addr.unmapped();  // ::ffff:127.0.0.1 is loopback too
  for (const auto& [cidr, name] : ranges)
    if (cidr.contains(a)) return name;
  return std::nullopt;
}

}  // namespace linktrack::net
