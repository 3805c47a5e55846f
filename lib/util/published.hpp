// A value that one thread replaces (a reload) while many read it (every request): readers keep
// a thread-local copy and take the lock only when the generation says it changed, so the hot
// path is one atomic load.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace linktrack::util {

template <class T>
class Published {
 public:
  explicit Published(std::shared_ptr<const T> initial) : value_(std::move(initial)) {}

  std::shared_ptr<const T> get() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

  void replace(std::shared_ptr<const T> next) {
    {
      std::lock_guard lock(mutex_);
      value_ = std::move(next);
    }
    generation_.fetch_add(1, std::memory_order_release);
  }

  // Brings a reader's copy up to date; true when it changed. A replace racing with this leaves
  // the copy newer than `generation` says, which only costs one more refresh.
  bool refresh(std::uint64_t& generation, std::shared_ptr<const T>& copy) const {
    const auto g = generation_.load(std::memory_order_acquire);
    if (generation == g && copy) return false;
    copy = get();
    generation = g;
    return true;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace linktrack::util
