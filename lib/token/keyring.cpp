#include "token/keyring.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>

namespace linktrack::token {
namespace {

// HKDF-SHA256(secret, salt, info) -> 32 bytes (RFC 5869).
void hkdf(const std::string& secret, const char* info, std::array<unsigned char, 32>& out) {
  static const char kSalt[] = "linktrack token v1";
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr),
                                                        EVP_KDF_free);
  if (!kdf) throw std::runtime_error("HKDF is not available in OpenSSL");
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()),
                                                                EVP_KDF_CTX_free);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(secret.data()),
                                        secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(kSalt),
                                        sizeof kSalt - 1),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info),
                                        std::char_traits<char>::length(info)),
      OSSL_PARAM_construct_end()};
  if (!ctx || EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1)
    throw std::runtime_error("HKDF key derivation failed");
}

}  // namespace

Keyring::Keyring(const std::vector<Secret>& secrets) {
  if (secrets.empty()) throw std::runtime_error("a keyring needs at least one key");
  for (const auto& s : secrets) {
    DerivedKey k;
    k.id = s.id;
    hkdf(s.bytes, "linktrack v1 mac", k.mac_key);
    hkdf(s.bytes, "linktrack v1 enc", k.enc_key);
    keys_.push_back(k);
  }
}

const DerivedKey* Keyring::find(std::uint32_t id) const {
  for (const auto& k : keys_)
    if (k.id == id) return &k;
  return nullptr;
}

}  // namespace linktrack::token
