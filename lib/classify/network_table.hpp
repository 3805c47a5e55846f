// Which named networks an address is in: the CIDR lists of the rules, cut into disjoint
// intervals that each carry the set of lists covering them, so a lookup is one binary search
// however many ranges (a provider's full published list has thousands).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "net/cidr.hpp"

namespace linktrack::classify {

class NetworkTable {
 public:
  // `lists[i]` is the ranges of list i; at most 64 lists.
  explicit NetworkTable(const std::vector<std::vector<net::Cidr>>& lists);
  NetworkTable() = default;

  // Bit i set: the address is in list i.
  std::uint64_t lists_containing(const net::IpAddress& addr) const;

 private:
  using Key = unsigned __int128;
  // Sorted by start; each interval runs to the next one's start.
  std::vector<std::pair<Key, std::uint64_t>> v4_, v6_;
};

}  // namespace linktrack::classify
