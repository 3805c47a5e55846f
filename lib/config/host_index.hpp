// Every configured host and alias, to its domain: the one lookup the request handler, the link
// minter and SNI share.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "config/config.hpp"

namespace linktrack::config {

class HostIndex {
 public:
  HostIndex() = default;
  // Points into `c.domains`: `c` must outlive the index.
  explicit HostIndex(const Config& c);
  // The domain answering to `host` (lower case, no port or trailing dot), or null. No
  // allocation: this runs on every request.
  const Domain* find(std::string_view host) const {
    auto it = hosts_.find(host);
    return it == hosts_.end() ? nullptr : it->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, const Domain*, Hash, std::equal_to<>> hosts_;
};

}  // namespace linktrack::config
