// Minting and checking tokens: the SIV construction of SPEC.md over the payload encoding.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "token/fields.hpp"
#include "token/keyring.hpp"
#include "util/named_enum.hpp"

namespace linktrack::token {

#define LINKTRACK_DECODE_STATUSES(X) X(ok) X(malformed) X(unknown_key) X(bad_tag) X(expired)
LINKTRACK_NAMED_ENUM(DecodeStatus, LINKTRACK_DECODE_STATUSES)

struct Decoded {
  DecodeStatus status = DecodeStatus::malformed;
  std::uint32_t key_id = 0;
  LinkFields fields;  // set when status is ok or expired
};

inline constexpr std::uint8_t kTokenVersion = 1;
inline constexpr std::size_t kTagBytes = 16;

// Holds OpenSSL contexts keyed once per key, so each token costs no allocation of them.
// Not thread-safe: give each thread its own codec over the shared keyring.
class TokenCodec {
 public:
  explicit TokenCodec(std::shared_ptr<const Keyring> keys);
  ~TokenCodec();
  TokenCodec(const TokenCodec&) = delete;
  TokenCodec& operator=(const TokenCodec&) = delete;

  // The base64url token for `fields` bound to `host` (lower case). Fields must pass
  // fields_problem(); throws std::invalid_argument otherwise.
  std::string encode(const LinkFields& fields, std::string_view host);
  // Checks a base64url token for `host` at Unix time `now`.
  Decoded decode(std::string_view token, std::string_view host, std::int64_t now);

  const Keyring& keyring() const { return *keys_; }

 private:
  struct KeyContexts;
  KeyContexts& contexts(const DerivedKey& key);
  // The 16-byte synthetic IV over header, host and plaintext.
  void synthetic_iv(KeyContexts& k, std::string_view header, std::string_view host,
                    std::string_view plaintext, unsigned char* out);
  void ctr(KeyContexts& k, const unsigned char* iv, std::string_view in, char* out);

  std::shared_ptr<const Keyring> keys_;
  std::unordered_map<std::uint32_t, std::unique_ptr<KeyContexts>> contexts_;
  std::string scratch_;
};

}  // namespace linktrack::token
