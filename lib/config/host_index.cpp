#include "config/host_index.hpp"

namespace linktrack::config {

HostIndex::HostIndex(const Config& c) {
  for (const auto& d : c.domains) {
    hosts_.emplace(d.host, &d);
    for (const auto& a : d.aliases) hosts_.emplace(a, &d);
  }
}

}  // namespace linktrack::config
