// HMAC-SHA256 (RFC 2104) with the key's inner and outer hash states computed once, so that each
// MAC costs only its own blocks. A token's synthetic IV is one MAC over about three blocks;
// OpenSSL 3's EVP_MAC_init re-keys through its provider layer on every call (8,800
// instructions a click under callgrind against 7,100 here, nearly all of it the hashing, which
// valgrind's CPU runs without the SHA extensions a real one has).
#pragma once

#include <openssl/sha.h>

#include <span>
#include <string_view>

namespace linktrack::token {

class HmacSha256 {
 public:
  explicit HmacSha256(std::span<const unsigned char> key);

  // One MAC: start(), update() as often as needed, finish() into 32 bytes.
  class Running {
   public:
    void update(std::string_view data);
    void finish(unsigned char out[32]);

   private:
    friend class HmacSha256;
    explicit Running(const HmacSha256& key);
    const HmacSha256& key_;
    SHA256_CTX ctx_;  // a plain struct: the keyed inner state, copied by value
  };
  Running start() const { return Running(*this); }

 private:
  SHA256_CTX inner_, outer_;  // after absorbing key ^ ipad, key ^ opad
};

}  // namespace linktrack::token
