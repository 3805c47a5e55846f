#include "http/client_address.hpp"

#include <algorithm>

namespace linktrack::http {
namespace {

bool trusted_by(const net::IpAddress& a, const std::vector<net::Cidr>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(),
                     [&](const net::Cidr& c) { return c.contains(a); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

net::IpAddress client_address(const net::IpAddress& peer, std::string_view xff, std::string_view cf,
                              const std::vector<net::Cidr>& trusted) {
  if (!trusted_by(peer, trusted)) return peer;
  if (!xff.empty()) {
    net::IpAddress last = peer;
    while (!xff.empty()) {
      auto comma = xff.rfind(',');
      auto item = trim(comma == std::string_view::npos ? xff : xff.substr(comma + 1));
      xff = comma == std::string_view::npos ? std::string_view{} : xff.substr(0, comma);
      auto addr = net::IpAddress::parse(item);
      if (!addr) return last;  // a garbled hop: trust nothing further left
      last = addr->unmapped();
      if (!trusted_by(last, trusted)) return last;
    }
    return last;  // every hop trusted: the left-most
  }
  if (auto addr = net::IpAddress::parse(trim(cf))) return addr->unmapped();
  return peer;
}

}  // namespace linktrack::http
