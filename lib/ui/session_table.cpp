#include "ui/session_table.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "util/base64.hpp"

namespace linktrack::ui {

std::string random_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("no random bytes for a session");
  return util::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Session SessionTable::open(const std::string& key_id, unsigned scopes, std::int64_t now_ms) {
  Session s{random_token(), random_token(), key_id, scopes, now_ms};
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_used_ms < b.second.last_used_ms;
    });
    sessions_.erase(oldest);
  }
  sessions_.emplace(s.id, s);
  return s;
}

std::optional<Session> SessionTable::use(const std::string& id, std::int64_t now_ms,
                                         std::int64_t idle_ms) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now_ms - it->second.last_used_ms > idle_ms) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used_ms = now_ms;
  return it->second;
}

void SessionTable::close(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

std::size_t SessionTable::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace linktrack::ui
