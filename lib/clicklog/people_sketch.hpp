// The people of a group, for counting them without keeping them: each person is a 64-bit hash
// (clicklog/person.hpp). Up to kExactLimit people the sketch is the sorted set of their hashes
// and counts exactly; beyond, a HyperLogLog of 2^12 one-byte registers (Flajolet et al. 2007,
// with linear counting for small counts and the 64-bit hash needing no large-range
// correction): 4 KiB, a standard error of 1.6%, and no way back from it to anyone's hash.
// Sketches merge: the union of two groups' people.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace linktrack::clicklog {

class PeopleSketch {
 public:
  static constexpr std::size_t kExactLimit = 64;  // hashes kept in a stored sketch

  void add(std::uint64_t person);
  void merge(const PeopleSketch& other);
  bool empty() const { return !dense_ && hashes_.empty(); }
  bool exact();
  std::int64_t estimate();

  // Stored form: "" (no one), 'S' + sorted 8-byte hashes, or 'D' + 4096 registers.
  std::string serialize();
  static PeopleSketch parse(std::string_view bytes);

  // While merging many (a query), the exact set may grow to this before turning dense.
  void allow_exact_up_to(std::size_t n) { limit_ = n; }

 private:
  void densify();
  void normalize();  // sorts and dedupes the hashes; turns dense beyond the limit
  void set_register(std::uint64_t h);
  // While exact: the hashes, appended as they come (sorted and deduped when the count matters
  // or they reach twice the limit), so that merging thousands of sketches stays linear.
  std::vector<std::uint64_t> hashes_;
  bool sorted_ = true;
  std::vector<std::uint8_t> registers_;
  bool dense_ = false;
  std::size_t limit_ = kExactLimit;
};

}  // namespace linktrack::clicklog
