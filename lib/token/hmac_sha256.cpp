// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but kept; they are
// what lets a keyed state be copied as a struct (see the header). Confined to this file.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "token/hmac_sha256.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>

namespace linktrack::token {
namespace {

constexpr std::size_t kBlock = 64;

void absorb_pad(SHA256_CTX& ctx, const std::array<unsigned char, kBlock>& key, unsigned char pad) {
  std::array<unsigned char, kBlock> block;
  for (std::size_t i = 0; i < kBlock; ++i) block[i] = key[i] ^ pad;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, block.data(), block.size());
  OPENSSL_cleanse(block.data(), block.size());
}

}  // namespace

HmacSha256::HmacSha256(std::span<const unsigned char> key) {
  std::array<unsigned char, kBlock> k{};
  if (key.size() > kBlock) {  // RFC 2104: a longer key is hashed first
    SHA256(key.data(), key.size(), k.data());
  } else {
    std::copy(key.begin(), key.end(), k.begin());
  }
  absorb_pad(inner_, k, 0x36);
  absorb_pad(outer_, k, 0x5c);
  OPENSSL_cleanse(k.data(), k.size());
}

HmacSha256::Running::Running(const HmacSha256& key) : key_(key), ctx_(key.inner_) {}

void HmacSha256::Running::update(std::string_view data) {
  SHA256_Update(&ctx_, data.data(), data.size());
}

void HmacSha256::Running::finish(unsigned char out[32]) {
  unsigned char inner[SHA256_DIGEST_LENGTH];
  SHA256_Final(inner, &ctx_);
  SHA256_CTX outer = key_.outer_;
  SHA256_Update(&outer, inner, sizeof inner);
  SHA256_Final(out, &outer);
  OPENSSL_cleanse(&ctx_, sizeof ctx_);
  OPENSSL_cleanse(&outer, sizeof outer);
}

}  // namespace linktrack::token
