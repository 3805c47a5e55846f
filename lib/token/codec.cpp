#include "token/codec.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdexcept>

#include "token/hmac_sha256.hpp"
#include "token/payload.hpp"
#include "token/varint.hpp"
#include "util/base64.hpp"

namespace linktrack::token {

struct TokenCodec::KeyContexts {
  explicit KeyContexts(const DerivedKey& key) : mac(key.mac_key) {}
  HmacSha256 mac;
  EVP_CIPHER_CTX* cipher = nullptr;
  ~KeyContexts() { EVP_CIPHER_CTX_free(cipher); }
};

namespace {

struct Algorithms {
  EVP_CIPHER* aes_ctr = EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr);
};

const Algorithms& algorithms() {
  static const Algorithms a;  // fetched once; OpenSSL frees them at exit
  if (!a.aes_ctr) throw std::runtime_error("OpenSSL lacks AES-256-CTR");
  return a;
}

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("OpenSSL failed: ") + what);
}

}  // namespace

TokenCodec::TokenCodec(std::shared_ptr<const Keyring> keys) : keys_(std::move(keys)) {}
TokenCodec::~TokenCodec() = default;

TokenCodec::KeyContexts& TokenCodec::contexts(const DerivedKey& key) {
  auto& slot = contexts_[key.id];
  if (slot) return *slot;
  auto k = std::make_unique<KeyContexts>(key);
  const auto& alg = algorithms();
  k->cipher = EVP_CIPHER_CTX_new();
  check(k->cipher != nullptr, "EVP_CIPHER_CTX_new");
  check(EVP_EncryptInit_ex2(k->cipher, alg.aes_ctr, key.enc_key.data(), nullptr, nullptr),
        "AES key");
  slot = std::move(k);
  return *slot;
}

void TokenCodec::synthetic_iv(KeyContexts& k, std::string_view header, std::string_view host,
                              std::string_view plaintext, unsigned char* out) {
  const unsigned char host_len = static_cast<unsigned char>(host.size());
  auto mac = k.mac.start();
  mac.update(header);
  mac.update(std::string_view(reinterpret_cast<const char*>(&host_len), 1));
  mac.update(host);
  mac.update(plaintext);
  unsigned char full[32];
  mac.finish(full);
  std::copy(full, full + kTagBytes, out);
}

void TokenCodec::ctr(KeyContexts& k, const unsigned char* iv, std::string_view in, char* out) {
  // RFC 5297's counter: the IV with bits 63 and 31 cleared, so 32-bit counters never carry.
  unsigned char counter[kTagBytes];
  std::copy(iv, iv + kTagBytes, counter);
  counter[8] &= 0x7f;
  counter[12] &= 0x7f;
  check(EVP_EncryptInit_ex2(k.cipher, nullptr, nullptr, counter, nullptr), "AES IV");
  int n = 0;
  check(EVP_EncryptUpdate(k.cipher, reinterpret_cast<unsigned char*>(out), &n,
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size())),
        "AES-CTR");
}

std::string TokenCodec::encode(const LinkFields& fields, std::string_view host) {
  if (auto problem = fields_problem(fields)) throw std::invalid_argument(*problem);
  if (host.size() > 255) throw std::invalid_argument("host name too long");
  const DerivedKey& key = keys_->signing_key();
  std::string& plain = scratch_;
  plain.clear();
  encode_payload(fields, plain);

  std::string raw;
  raw.push_back(static_cast<char>(kTokenVersion));
  put_varint(key.id, raw);
  const std::size_t header_size = raw.size();
  raw.resize(header_size + kTagBytes + plain.size());
  auto& k = contexts(key);
  auto* iv = reinterpret_cast<unsigned char*>(raw.data() + header_size);
  synthetic_iv(k, std::string_view(raw.data(), header_size), host, plain, iv);
  ctr(k, iv, plain, raw.data() + header_size + kTagBytes);
  return util::base64url_encode(raw);
}

Decoded TokenCodec::decode(std::string_view token, std::string_view host, std::int64_t now) {
  Decoded d;
  auto raw = util::base64url_decode(token);
  if (!raw || raw->size() < 2 + kTagBytes ||
      static_cast<std::uint8_t>((*raw)[0]) != kTokenVersion || host.size() > 255)
    return d;
  std::string_view rest(*raw);
  rest.remove_prefix(1);
  auto id = get_varint(rest);
  if (!id || *id > 0xffffffffu || rest.size() < kTagBytes) return d;
  d.key_id = static_cast<std::uint32_t>(*id);
  const DerivedKey* key = keys_->find(d.key_id);
  if (!key) {
    d.status = DecodeStatus::unknown_key;
    return d;
  }
  const std::size_t header_size = raw->size() - rest.size();
  const auto* tag = reinterpret_cast<const unsigned char*>(rest.data());
  rest.remove_prefix(kTagBytes);
  auto& k = contexts(*key);
  std::string& plain = scratch_;
  plain.resize(rest.size());
  ctr(k, tag, rest, plain.data());
  unsigned char expected[kTagBytes];
  synthetic_iv(k, std::string_view(raw->data(), header_size), host, plain, expected);
  if (CRYPTO_memcmp(expected, tag, kTagBytes) != 0) {
    d.status = DecodeStatus::bad_tag;
    return d;
  }
  auto fields = decode_payload(plain);
  if (!fields) return d;  // authentic but unparseable: a signer bug, reported as malformed
  d.fields = std::move(*fields);
  d.status =
      d.fields.expires_at && now >= *d.fields.expires_at ? DecodeStatus::expired : DecodeStatus::ok;
  return d;
}

}  // namespace linktrack::token
