#include "net/cidr.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace linktrack::net {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  a.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  if (!v6) {
    // Every click logs its client's address; inet_ntop formats IPv4 through sprintf.
    std::string out;
    out.reserve(15);
    for (int i = 0; i < 4; ++i) {
      char digits[3];
      if (i) out.push_back('.');
      out.append(digits, std::to_chars(digits, digits + 3, bytes[i]).ptr);
    }
    return out;
  }
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

IpAddress IpAddress::unmapped() const {
  static constexpr std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!v6 || !std::equal(prefix, prefix + 12, bytes.begin())) return *this;
  IpAddress a;
  std::copy(bytes.begin() + 12, bytes.end(), a.bytes.begin());
  return a;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  int max = addr->v6 ? 128 : 32;
  int prefix = max;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > max)
      return std::nullopt;
  }
  Cidr c{truncate(*addr, prefix, prefix), prefix};
  if (addr->v6 && prefix >= 96) {
    // ::ffff:10.0.0.0/104 matches 10.0.0.0/8 either way it is written.
    auto un = addr->unmapped();
    if (!un.v6) c = Cidr{truncate(un, prefix - 96, 0), prefix - 96};
  }
  return c;
}

bool Cidr::contains(const IpAddress& raw) const {
  IpAddress addr = raw.unmapped();
  if (addr.v6 != base.v6) return false;
  return truncate(addr, prefix, prefix) == base;
}

IpAddress truncate(const IpAddress& addr, int v4_prefix, int v6_prefix) {
  IpAddress out = addr;
  int prefix = addr.v6 ? v6_prefix : v4_prefix;
  int total = addr.v6 ? 16 : 4;
  for (int i = 0; i < total; ++i) {
    int keep = prefix - i * 8;
    if (keep >= 8) continue;
    out.bytes[i] = keep <= 0 ? 0 : static_cast<std::uint8_t>(out.bytes[i] & (0xff << (8 - keep)));
  }
  return out;
}

}  // namespace linktrack::net
