// Which of many lower-case strings occur in a text, ignoring ASCII case, in one pass over the
// text: an Aho-Corasick automaton. A user agent is checked against about 150 strings on every
// click within a budget of well under a microsecond; a search per string would take several,
// and none of our libraries offers a multi-string matcher (std::regex alternation is slower
// still).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace linktrack::classify {

class SubstringSet {
 public:
  // `patterns[i]` reports `ids[i]`; patterns must be non-empty and lower case.
  SubstringSet(const std::vector<std::string>& patterns, const std::vector<std::uint16_t>& ids);
  SubstringSet() : SubstringSet({}, {}) {}

  // Calls `found(id)` for each id one of whose patterns occurs in `text`; an id can be reported
  // more than once.
  template <class Found>
  void scan(std::string_view text, Found&& found) const {
    // Hot: a few instructions a byte. Transitions hold the next state's row offset, with the
    // top bit set when that state reports something.
    const std::uint32_t* const rows = rows_.data();
    const std::uint8_t* const class_of = class_of_.data();
    std::uint32_t row = 0;
    for (unsigned char ch : text) {
      const std::uint32_t next = rows[row + class_of[ch]];
      row = next & ~kReports;
      if (next & kReports) [[unlikely]] {
        for (std::uint32_t o = output_head_[row / classes_]; o != kNone; o = outputs_[o].next)
          found(outputs_[o].id);
      }
    }
  }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  static constexpr std::uint32_t kReports = 0x80000000u;
  struct Output {
    std::uint16_t id;
    std::uint32_t next;
  };
  std::array<std::uint8_t, 256> class_of_{};  // byte → its class; both cases share one
  std::uint32_t classes_ = 1;                 // class 0: bytes in no pattern
  std::vector<std::uint32_t> next_;           // state × class → state (a full DFA)
  std::vector<std::uint32_t> rows_;           // the same as row offsets, flagged (see scan)
  std::vector<std::uint32_t> output_head_;    // state → first output (kNone: none)
  std::vector<Output> outputs_;
};

}  // namespace linktrack::classify
