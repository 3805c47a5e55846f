#include "config/reload.hpp"

#include <tuple>

namespace linktrack::config {
namespace {

struct RestartSetting {
  const char* key;
  bool (*differs)(const Config& a, const Config& b);
  void (*keep)(const Config& from, Config& to);
};

// `get` returns a reference (or a tie of references) to the setting in a config.
template <auto get>
constexpr RestartSetting restart_only(const char* key) {
  return {key, [](const Config& a, const Config& b) { return !(get(a) == get(b)); },
          [](const Config& from, Config& to) { get(to) = get(from); }};
}

// Bound sockets, I/O threads and the writer's thread and file are made once at start.
constexpr RestartSetting kRestartOnly[] = {
    restart_only<[](auto& c) { return std::tie(c.listen.https, c.listen.https_addresses); }>(
        "listen.https"),
    restart_only<[](auto& c) { return std::tie(c.listen.http, c.listen.http_addresses); }>(
        "listen.http"),
    restart_only<[](auto& c) { return std::tie(c.listen.admin, c.listen.admin_address); }>(
        "listen.admin"),
    restart_only<[](auto& c) { return std::tie(c.listen.admin_tls); }>("listen.admin_tls"),
    restart_only<[](auto& c) { return std::tie(c.threads); }>("threads"),
    restart_only<[](auto& c) { return std::tie(c.node_id); }>("node_id"),
    restart_only<[](auto& c) { return std::tie(c.store.path); }>("store.path"),
    restart_only<[](auto& c) { return std::tie(c.store.durability); }>("store.durability"),
    restart_only<[](auto& c) { return std::tie(c.store.batch_max); }>("store.batch_max"),
    restart_only<[](auto& c) { return std::tie(c.store.batch_interval_ms); }>(
        "store.batch_interval_ms"),
    restart_only<[](auto& c) { return std::tie(c.store.queue_capacity); }>("store.queue_capacity"),
    restart_only<[](auto& c) { return std::tie(c.store.busy_timeout_ms); }>(
        "store.busy_timeout_ms"),
    restart_only<[](auto& c) { return std::tie(c.privacy.retention_days); }>(
        "privacy.retention_days"),
    // The shipper and the readers are made once at start.
    restart_only<[](auto& c) { return std::tie(c.analytics.clickhouse); }>("analytics.clickhouse"),
    // The ACME manager's CA, account and storage are set at start; domains with tls: auto are
    // taken at a reload.
    restart_only<[](auto& c) { return std::tie(c.acme); }>("acme"),
};

}  // namespace

std::vector<std::string> keep_restart_settings(const Config& running, Config& next) {
  std::vector<std::string> held;
  for (const auto& s : kRestartOnly) {
    if (!s.differs(running, next)) continue;
    held.emplace_back(s.key);
    s.keep(running, next);
  }
  return held;
}

}  // namespace linktrack::config
