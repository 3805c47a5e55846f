#include "api/keys.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

namespace linktrack::api {

Digest sha256(std::string_view data) {
  Digest d{};
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &n, EVP_sha256(), nullptr);
  return d;
}

std::string hex(const Digest& d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : d) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::optional<std::string_view> bearer_token(std::string_view h) {
  constexpr std::string_view kScheme = "bearer ";
  if (h.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != kScheme[i]) return std::nullopt;
  h.remove_prefix(kScheme.size());
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  if (h.empty()) return std::nullopt;
  return h;
}

KeyTable::KeyTable(const std::vector<config::ApiKey>& keys) {
  for (const auto& k : keys) {
    Entry e{{k.id, k.scope_bits}, {}};
    if (k.secret_digest.size() == e.digest.size())
      std::memcpy(e.digest.data(), k.secret_digest.data(), e.digest.size());
    else
      e.digest = sha256(k.secret);
    keys_.push_back(std::move(e));
  }
}

std::optional<Caller> KeyTable::find(std::string_view secret) const {
  const Digest presented = sha256(secret);
  const Entry* match = nullptr;
  for (const auto& k : keys_)  // every key compared, whichever matches
    if (CRYPTO_memcmp(presented.data(), k.digest.data(), presented.size()) == 0) match = &k;
  if (!match) return std::nullopt;
  return match->caller;
}

}  // namespace linktrack::api
