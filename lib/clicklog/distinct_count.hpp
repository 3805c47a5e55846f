// How many different values a vector of 64-bit hashes holds (the people of a stats group,
// clicklog/person.hpp). Sorting is the cost: a whole 10-million-event log gives millions of
// hashes, so large inputs are radix-sorted (eight passes of a byte, linear) rather than
// compared (n log n, about four times slower there).
#pragma once

#include <cstdint>
#include <vector>

namespace linktrack::clicklog {

// Sorts `hashes` in place and returns the number of distinct values.
std::int64_t count_distinct(std::vector<std::uint64_t>& hashes);

}  // namespace linktrack::clicklog
