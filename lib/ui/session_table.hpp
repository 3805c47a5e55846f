// The dashboard's sign-ins, kept on the server: a session is a random id (the cookie) bound to
// the API key that signed in and a CSRF token for its forms. It ends at sign-out, after the
// idle time without a request, or when its key leaves the config or loses the read scope.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace linktrack::ui {

struct Session {
  std::string id;       // 256 random bits, base64url: the cookie's value
  std::string csrf;     // 256 random bits, base64url: every form of this session carries it
  std::string key_id;   // the API key that signed in
  unsigned scopes = 0;  // its config::ApiScope bits then
  std::int64_t last_used_ms = 0;
};

// 256 random bits from OpenSSL's CSPRNG, base64url without padding.
std::string random_token();

// Thread-safe: the dashboard's requests run on the API's threads.
class SessionTable {
 public:
  // At most this many sessions; beyond it the longest unused one ends.
  static constexpr std::size_t kMaxSessions = 10000;

  Session open(const std::string& key_id, unsigned scopes, std::int64_t now_ms);
  // The session, its last use moved to now; none when unknown or idle past `idle_ms`.
  std::optional<Session> use(const std::string& id, std::int64_t now_ms, std::int64_t idle_ms);
  void close(const std::string& id);
  // Ends every session of a key for which `keep` says no (a reload removed or narrowed it).
  template <class Keep>
  void retain(Keep keep) {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [&](const auto& entry) { return !keep(entry.second); });
  }
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Session> sessions_;
};

}  // namespace linktrack::ui
