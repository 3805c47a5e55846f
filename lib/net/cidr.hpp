// IPv4/IPv6 addresses and CIDR ranges, for trusted-proxy checks and address truncation.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linktrack::net {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) as plain IPv4, so ranges match either spelling.
  IpAddress unmapped() const;
  bool operator==(const IpAddress&) const = default;
};

struct Cidr {
  IpAddress base;
  int prefix = 0;

  // "10.0.0.0/8", "::1/128", or a bare address (a full-length prefix).
  static std::optional<Cidr> parse(std::string_view text);
  bool contains(const IpAddress& addr) const;
};

// Keeps the first `prefix` bits: /24 of IPv4 and /48 of IPv6 for privacy.truncate.
IpAddress truncate(const IpAddress& addr, int v4_prefix, int v6_prefix);

}  // namespace linktrack::net
