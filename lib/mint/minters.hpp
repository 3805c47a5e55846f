// A minter for each domain a batch names, made on first use (sign --batch, POST /api/v1/links).
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "config/host_index.hpp"
#include "mint/link_minter.hpp"

namespace linktrack::mint {

class Minters {
 public:
  explicit Minters(const config::Config& c) : config_(c), hosts_(c) {}
  // Throws std::invalid_argument when `domain` is not a configured host or alias.
  LinkMinter& get(const std::string& domain) {
    auto& m = minters_[domain];
    if (!m) {
      const auto* d = hosts_.find(domain);
      if (!d) throw std::invalid_argument("'domain' " + domain + " is not a configured domain");
      m = std::make_unique<LinkMinter>(config_, *d, domain);
    }
    return *m;
  }

 private:
  const config::Config& config_;
  config::HostIndex hosts_;
  std::map<std::string, std::unique_ptr<LinkMinter>, std::less<>> minters_;
};

}  // namespace linktrack::mint
