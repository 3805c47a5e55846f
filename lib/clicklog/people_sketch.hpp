// The people of a group: each person is a 64-bit hash (clicklog/person.hpp). The sketch is the
// sorted set of their hashes and counts exactly, as the summary stores it. A query that may
// estimate (allow_exact_up_to) turns it, beyond that many people, into a HyperLogLog of 2^12
// one-byte registers (Flajolet et al. 2007, with linear counting for small counts and the
// 64-bit hash needing no large-range correction): 4 KiB and a standard error of 1.6%, however
// many people a month of a busy campaign holds. Sketches merge: the union of two groups' people.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace linktrack::clicklog {

class PeopleSketch {
 public:
  void add(std::uint64_t person);
  void merge(const PeopleSketch& other);
  // merge(parse(bytes)) without the copy in between.
  void merge_stored(std::string_view bytes);
  void reserve(std::size_t hashes);
  bool empty() const { return !dense_ && hashes_.empty(); }
  // Hashes held (a person may be counted twice until the sketch is normalized); a dense
  // sketch's 4 KiB as that many hashes.
  std::size_t size() const { return dense_ ? 512 : hashes_.size(); }
  bool exact();
  std::int64_t estimate();

  // The same people as registers (the 'D' form below): what an estimate needs of a large set.
  std::string serialize_registers() const;

  // Stored form: "" (no one), 'S' + sorted 8-byte hashes (little-endian), or 'D' + 4096
  // registers (serialize_registers; and summaries written before they were exact, whose hours
  // are recomputed at upgrade).
  std::string serialize();
  static PeopleSketch parse(std::string_view bytes);

  // Estimating: beyond this many people the sketch turns dense.
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
  std::size_t limit_ = std::numeric_limits<std::size_t>::max();
};

}  // namespace linktrack::clicklog
