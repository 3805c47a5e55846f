// API keys: who a bearer secret belongs to and what it may do. Only SHA-256 digests are kept
// and compared (in constant time, against every key), so a secret given as `secret_sha256`
// works the same as one given in full, and no comparison leaks how much of a guess was right.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace linktrack::api {

using Digest = std::array<unsigned char, 32>;
Digest sha256(std::string_view data);
std::string hex(const Digest& d);

struct Caller {
  std::string id;
  unsigned scopes = 0;  // config::ApiScope bits
  bool may(config::ApiScope s) const { return (scopes & static_cast<unsigned>(s)) != 0; }
};

// "Bearer <token>" (the scheme case-insensitive, RFC 9110 11.1) → the token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

class KeyTable {
 public:
  explicit KeyTable(const std::vector<config::ApiKey>& keys);
  bool empty() const { return keys_.empty(); }
  std::optional<Caller> find(std::string_view secret) const;

 private:
  struct Entry {
    Caller caller;
    Digest digest;
  };
  std::vector<Entry> keys_;
};

}  // namespace linktrack::api
