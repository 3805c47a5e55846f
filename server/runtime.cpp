#include "runtime.hpp"

#include <algorithm>

namespace linktrack::server {

Runtime::Admission Runtime::admit(const net::IpAddress& peer) {
  const auto& config = *state()->snapshot->config;
  const auto cap = std::min(config.limits.max_connections, connection_room_);
  const bool proxy =
      std::any_of(config.trusted_proxy_ranges.begin(), config.trusted_proxy_ranges.end(),
                  [&](const net::Cidr& c) { return c.contains(peer); });
  std::lock_guard lock(clients_mutex_);
  if (metrics_.connections_open.load() >= cap) return Admission::refused;
  if (!proxy) {
    auto& n = per_client_[peer.to_string()];
    if (n >= config.limits.connections_per_client) {
      if (n == 0) per_client_.erase(peer.to_string());
      return Admission::refused;
    }
    ++n;
  }
  metrics_.connections_open.fetch_add(1);
  return proxy ? Admission::uncounted : Admission::counted;
}

void Runtime::release(const net::IpAddress& peer, Admission admission) {
  std::lock_guard lock(clients_mutex_);
  if (admission == Admission::counted) {
    auto it = per_client_.find(peer.to_string());
    if (it != per_client_.end() && --it->second <= 0) per_client_.erase(it);
  }
  if (metrics_.connections_open.fetch_sub(1) == 1) idle_.notify_all();
}

void Runtime::wait_idle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(clients_mutex_);
  idle_.wait_until(lock, deadline, [this] { return metrics_.connections_open.load() <= 0; });
}

}  // namespace linktrack::server
