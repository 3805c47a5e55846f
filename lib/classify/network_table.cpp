#include "classify/network_table.hpp"

#include <algorithm>
#include <array>

namespace linktrack::classify {
namespace {

using Key = unsigned __int128;

Key key_of(const net::IpAddress& a) {
  Key k = 0;
  const int n = a.v6 ? 16 : 4;
  for (int i = 0; i < n; ++i) k = (k << 8) | a.bytes[static_cast<std::size_t>(i)];
  return k;
}

struct Edge {
  Key at;
  int list;
  int delta;
};

std::vector<std::pair<Key, std::uint64_t>> build(std::vector<Edge> edges) {
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.at < b.at; });
  std::vector<std::pair<Key, std::uint64_t>> out;
  std::array<int, 64> active{};
  std::size_t i = 0;
  while (i < edges.size()) {
    const Key at = edges[i].at;
    for (; i < edges.size() && edges[i].at == at; ++i)
      active[static_cast<std::size_t>(edges[i].list)] += edges[i].delta;
    std::uint64_t mask = 0;
    for (std::size_t l = 0; l < active.size(); ++l)
      if (active[l] > 0) mask |= std::uint64_t{1} << l;
    if (out.empty() || out.back().second != mask) out.emplace_back(at, mask);
  }
  return out;
}

}  // namespace

NetworkTable::NetworkTable(const std::vector<std::vector<net::Cidr>>& lists) {
  std::vector<Edge> v4, v6;
  for (std::size_t l = 0; l < lists.size() && l < 64; ++l) {
    for (const auto& c : lists[l]) {
      const auto base = c.base.unmapped();
      const int bits = base.v6 ? 128 : 32;
      const int prefix = base.v6 == c.base.v6 ? c.prefix : c.prefix - 96;  // ::ffff:a.b.c.d/n
      if (prefix < 0 || prefix > bits) continue;
      const int host_bits = bits - prefix;
      const Key span = host_bits == 128 ? ~Key{0} : (Key{1} << host_bits) - 1;
      const Key start = key_of(base) & ~span;
      const Key last = start + span;
      const Key top = base.v6 ? ~Key{0} : Key{0xffffffffu};
      auto& edges = base.v6 ? v6 : v4;
      edges.push_back({start, static_cast<int>(l), +1});
      if (last != top) edges.push_back({last + 1, static_cast<int>(l), -1});
    }
  }
  v4_ = build(std::move(v4));
  v6_ = build(std::move(v6));
}

std::uint64_t NetworkTable::lists_containing(const net::IpAddress& addr) const {
  const auto a = addr.unmapped();
  const auto& table = a.v6 ? v6_ : v4_;
  const Key k = key_of(a);
  auto it = std::upper_bound(table.begin(), table.end(), k,
                             [](Key key, const auto& entry) { return key < entry.first; });
  if (it == table.begin()) return 0;
  return std::prev(it)->second;
}

}  // namespace linktrack::classify
