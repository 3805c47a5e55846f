#include "clicklog/people_sketch.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>

#include "clicklog/distinct_count.hpp"
#include "util/huge_pages.hpp"

namespace linktrack::clicklog {
namespace {

constexpr int kPrecision = 12;
constexpr std::size_t kRegisters = std::size_t{1} << kPrecision;

// FNV-1a leaves its low bits poorly mixed for short, similar ids: a finalizer (splitmix64's)
// spreads every input bit over the register index and the rank.
std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

}  // namespace

void PeopleSketch::set_register(std::uint64_t person) {
  const std::uint64_t h = mix(person);
  const auto index = static_cast<std::size_t>(h >> (64 - kPrecision));
  const std::uint64_t rest = h << kPrecision;
  const auto rank =
      static_cast<std::uint8_t>(rest == 0 ? 64 - kPrecision + 1 : std::countl_zero(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

void PeopleSketch::densify() {
  if (dense_) return;
  registers_.assign(kRegisters, 0);
  for (auto h : hashes_) set_register(h);
  hashes_.clear();
  hashes_.shrink_to_fit();
  dense_ = true;
}

void PeopleSketch::normalize() {
  if (dense_ || sorted_) return;
  hashes_.resize(static_cast<std::size_t>(count_distinct(hashes_)));
  sorted_ = true;
  if (hashes_.size() > limit_) densify();
}

void PeopleSketch::add(std::uint64_t person) {
  if (dense_) return set_register(person);
  hashes_.push_back(person);
  sorted_ = false;
  if (hashes_.size() / 2 > limit_) normalize();
}

void PeopleSketch::merge(const PeopleSketch& other) {
  if (other.empty()) return;
  if (other.dense_) {
    densify();
    for (std::size_t i = 0; i < kRegisters; ++i)
      registers_[i] = std::max(registers_[i], other.registers_[i]);
    return;
  }
  if (dense_) {
    for (auto h : other.hashes_) set_register(h);
    return;
  }
  if (hashes_.empty() && other.sorted_) {
    hashes_ = other.hashes_;  // one part of one cell: nothing to sort
  } else {
    hashes_.insert(hashes_.end(), other.hashes_.begin(), other.hashes_.end());
    sorted_ = false;
  }
  if (hashes_.size() / 2 > limit_) normalize();
}

void PeopleSketch::merge_stored(std::string_view bytes) {
  if (dense_ || bytes.empty() || bytes[0] != 'S' || (bytes.size() - 1) % 8 != 0 ||
      std::endian::native != std::endian::little)
    return merge(parse(bytes));
  const bool was_empty = hashes_.empty();
  const std::size_t n = (bytes.size() - 1) / 8, at = hashes_.size();
  hashes_.resize(at + n);
  std::memcpy(hashes_.data() + at, bytes.data() + 1, 8 * n);
  // One stored part alone stays as it was stored: sorted, nothing to do when counted.
  sorted_ = was_empty && std::adjacent_find(hashes_.begin(), hashes_.end(),
                                            std::greater_equal<>()) == hashes_.end();
  if (hashes_.size() / 2 > limit_) normalize();
}

void PeopleSketch::reserve(std::size_t hashes) {
  hashes_.reserve(hashes);
  util::advise_huge_pages(hashes_.data() + hashes_.size(),
                          (hashes_.capacity() - hashes_.size()) * sizeof(std::uint64_t));
}

bool PeopleSketch::exact() {
  normalize();
  return !dense_;
}

std::int64_t PeopleSketch::estimate() {
  normalize();
  if (!dense_) return static_cast<std::int64_t>(hashes_.size());
  const double m = static_cast<double>(kRegisters);
  double sum = 0;
  std::size_t zeros = 0;
  for (auto r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    zeros += r == 0;
  }
  const double alpha = 0.7213 / (1.0 + 1.079 / m);
  const double raw = alpha * m * m / sum;
  if (raw <= 2.5 * m && zeros > 0)  // small: linear counting is the better estimate
    return std::llround(m * std::log(m / static_cast<double>(zeros)));
  return std::llround(raw);
}

std::string PeopleSketch::serialize() {
  normalize();
  if (empty()) return {};
  if (dense_) {
    std::string out(1 + kRegisters, 'D');
    std::memcpy(out.data() + 1, registers_.data(), kRegisters);
    return out;
  }
  std::string out(1 + 8 * hashes_.size(), 'S');
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out.data() + 1, hashes_.data(), 8 * hashes_.size());
  } else {
    for (std::size_t i = 0; i < hashes_.size(); ++i)
      for (int b = 0; b < 8; ++b)
        out[1 + 8 * i + static_cast<std::size_t>(b)] = static_cast<char>(hashes_[i] >> (8 * b));
  }
  return out;
}

std::string PeopleSketch::serialize_registers() const {
  PeopleSketch dense = *this;
  dense.densify();
  return dense.serialize();
}

PeopleSketch PeopleSketch::parse(std::string_view bytes) {
  PeopleSketch s;
  if (bytes.empty()) return s;
  if (bytes[0] == 'D' && bytes.size() == 1 + kRegisters) {
    s.dense_ = true;
    s.registers_.assign(bytes.begin() + 1, bytes.end());
    return s;
  }
  if (bytes[0] == 'S' && (bytes.size() - 1) % 8 == 0) {
    s.hashes_.resize((bytes.size() - 1) / 8);
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(s.hashes_.data(), bytes.data() + 1, 8 * s.hashes_.size());
    } else {
      for (std::size_t i = 0; i < s.hashes_.size(); ++i) {
        std::uint64_t h = 0;
        for (int b = 7; b >= 0; --b)
          h = (h << 8) | static_cast<unsigned char>(bytes[1 + 8 * i + static_cast<std::size_t>(b)]);
        s.hashes_[i] = h;
      }
    }
    // As stored: strictly increasing. Anything else is sorted again when counted.
    s.sorted_ = std::adjacent_find(s.hashes_.begin(), s.hashes_.end(), std::greater_equal<>()) ==
                s.hashes_.end();
  }
  return s;
}

}  // namespace linktrack::clicklog
