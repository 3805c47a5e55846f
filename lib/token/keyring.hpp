// Token keys with their derived sub-keys. Immutable once built; shared across threads.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace linktrack::token {

struct DerivedKey {
  std::uint32_t id = 0;
  std::array<unsigned char, 32> mac_key{};  // HMAC-SHA256 key of the synthetic IV
  std::array<unsigned char, 32> enc_key{};  // AES-256-CTR key
};

class Keyring {
 public:
  struct Secret {
    std::uint32_t id;
    std::string bytes;  // 32 raw bytes
  };
  // The first key signs; all verify. Throws std::runtime_error if key derivation fails.
  explicit Keyring(const std::vector<Secret>& secrets);

  const DerivedKey& signing_key() const { return keys_.front(); }
  const DerivedKey* find(std::uint32_t id) const;
  const std::vector<DerivedKey>& keys() const { return keys_; }

 private:
  std::vector<DerivedKey> keys_;
};

}  // namespace linktrack::token
