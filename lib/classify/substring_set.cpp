#include "classify/substring_set.hpp"

#include <deque>

namespace linktrack::classify {

SubstringSet::SubstringSet(const std::vector<std::string>& patterns,
                           const std::vector<std::uint16_t>& ids) {
  for (const auto& p : patterns)
    for (unsigned char ch : p)
      if (class_of_[ch] == 0) {
        class_of_[ch] = static_cast<std::uint8_t>(classes_);
        if (ch >= 'a' && ch <= 'z') class_of_[ch - 'a' + 'A'] = static_cast<std::uint8_t>(classes_);
        ++classes_;
      }
  // The trie, with kNone for a missing edge, then filled in breadth first into a DFA.
  next_.assign(classes_, kNone);
  output_head_.assign(1, kNone);
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    std::uint32_t state = 0;
    for (unsigned char ch : patterns[i]) {
      auto& edge = next_[state * classes_ + class_of_[ch]];
      if (edge == kNone) {
        edge = static_cast<std::uint32_t>(output_head_.size());
        output_head_.push_back(kNone);
        next_.resize(next_.size() + classes_, kNone);
      }
      state = next_[state * classes_ + class_of_[ch]];
    }
    outputs_.push_back({ids[i], output_head_[state]});
    output_head_[state] = static_cast<std::uint32_t>(outputs_.size() - 1);
  }
  std::vector<std::uint32_t> fail(output_head_.size(), 0);
  std::deque<std::uint32_t> queue;
  for (std::uint32_t c = 0; c < classes_; ++c) {
    auto& edge = next_[c];
    if (edge == kNone || c == 0)
      edge = 0;
    else
      queue.push_back(edge);
  }
  while (!queue.empty()) {
    const std::uint32_t state = queue.front();
    queue.pop_front();
    // A state's outputs include those of its failure state: append that chain to its own.
    if (output_head_[state] == kNone) {
      output_head_[state] = output_head_[fail[state]];
    } else {
      std::uint32_t o = output_head_[state];  // its own outputs, made for it alone
      while (outputs_[o].next != kNone) o = outputs_[o].next;
      outputs_[o].next = output_head_[fail[state]];
    }
    for (std::uint32_t c = 0; c < classes_; ++c) {
      auto& edge = next_[state * classes_ + c];
      const std::uint32_t via_fail = next_[fail[state] * classes_ + c];
      if (edge == kNone || c == 0) {
        edge = c == 0 ? 0 : via_fail;
      } else {
        fail[edge] = via_fail;
        queue.push_back(edge);
      }
    }
  }
  rows_.resize(next_.size());
  for (std::size_t i = 0; i < next_.size(); ++i)
    rows_[i] = next_[i] * classes_ | (output_head_[next_[i]] != kNone ? kReports : 0);
}

}  // namespace linktrack::classify
