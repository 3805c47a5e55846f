#include "runtime.hpp"

namespace linktrack::server {

bool Runtime::admit(const std::string& client) {
  const auto& limits = state()->snapshot->config->limits;
  std::lock_guard lock(clients_mutex_);
  if (metrics_.connections_open.load() >= limits.max_connections) return false;
  auto& n = per_client_[client];
  if (n >= limits.connections_per_client) {
    if (n == 0) per_client_.erase(client);
    return false;
  }
  ++n;
  metrics_.connections_open.fetch_add(1);
  return true;
}

void Runtime::release(const std::string& client) {
  std::lock_guard lock(clients_mutex_);
  auto it = per_client_.find(client);
  if (it != per_client_.end() && --it->second <= 0) per_client_.erase(it);
  metrics_.connections_open.fetch_sub(1);
}

}  // namespace linktrack::server
