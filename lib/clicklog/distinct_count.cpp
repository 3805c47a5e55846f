#include "clicklog/distinct_count.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

#include "util/huge_pages.hpp"

namespace linktrack::clicklog {
namespace {

// Below this a comparison sort wins: the radix sort's eight passes and 16 KiB of counts cost
// more than they save.
constexpr std::size_t kRadixFrom = 1 << 14;

// Least-significant byte first; each pass is stable, so after the eighth the whole key is
// sorted. All eight histograms come from one read of the input; a pass whose byte is the same
// in every value moves nothing and is skipped.
void radix_sort(std::vector<std::uint64_t>& v) {
  std::array<std::array<std::size_t, 256>, 8> counts{};
  for (const auto x : v)
    for (std::size_t pass = 0; pass < 8; ++pass) ++counts[pass][(x >> (pass * 8)) & 0xff];
  // Left uninitialized: every pass writes all of it before it is read.
  std::unique_ptr<std::uint64_t[]> scratch(new std::uint64_t[v.size()]);
  util::advise_huge_pages(scratch.get(), v.size() * sizeof(std::uint64_t));
  std::uint64_t* from = v.data();
  std::uint64_t* to = scratch.get();
  for (std::size_t pass = 0; pass < 8; ++pass) {
    auto& count = counts[pass];
    if (std::find(count.begin(), count.end(), v.size()) != count.end()) continue;
    std::size_t offset = 0;
    for (auto& c : count) offset += std::exchange(c, offset);
    const unsigned shift = static_cast<unsigned>(pass * 8);
    for (std::size_t i = 0; i < v.size(); ++i) to[count[(from[i] >> shift) & 0xff]++] = from[i];
    std::swap(from, to);
  }
  if (from != v.data()) std::copy(from, from + v.size(), v.data());
}

}  // namespace

std::int64_t count_distinct(std::vector<std::uint64_t>& hashes) {
  if (hashes.size() < kRadixFrom)
    std::sort(hashes.begin(), hashes.end());
  else
    radix_sort(hashes);
  return std::unique(hashes.begin(), hashes.end()) - hashes.begin();
}

}  // namespace linktrack::clicklog
