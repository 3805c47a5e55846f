#include "acme/account_key.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "util/base64.hpp"

namespace linktrack::acme {

void PkeyFree::operator()(EVP_PKEY* k) const {
  EVP_PKEY_free(k);
}

Pkey new_p256_key() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw std::runtime_error("OpenSSL could not make a P-256 key");
  return key;
}

std::string private_key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  std::string out;
  if (PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    out.assign(data, static_cast<std::size_t>(n));
  }
  BIO_free(bio);
  if (out.empty()) throw std::runtime_error("OpenSSL could not write a private key");
  return out;
}

Pkey read_private_key_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Pkey key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return key;
}

namespace {

std::string coordinate(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
    throw std::runtime_error("the account key is not an EC key");
  std::string bytes(32, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()), 32);
  BN_free(bn);
  return util::base64url_encode(bytes);
}

}  // namespace

AccountKey::AccountKey(Pkey key) : key_(std::move(key)) {
  if (!key_ || EVP_PKEY_get_bits(key_.get()) != 256 || !EVP_PKEY_is_a(key_.get(), "EC"))
    throw std::runtime_error("the account key must be an ECDSA P-256 key");
  jwk_ = R"({"crv":"P-256","kty":"EC","x":")" + coordinate(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X) +
         R"(","y":")" + coordinate(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y) + R"("})";
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(jwk_.data()), jwk_.size(), digest);
  thumbprint_ = util::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string AccountKey::sign(std::string_view input) const {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  std::size_t der_size = 0;
  std::string der;
  bool ok = EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestSign(md, nullptr, &der_size,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  if (ok) {
    der.resize(der_size);
    ok = EVP_DigestSign(md, reinterpret_cast<unsigned char*>(der.data()), &der_size,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    der.resize(der_size);
  }
  EVP_MD_CTX_free(md);
  if (!ok) throw std::runtime_error("OpenSSL could not sign with the account key");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (!sig) throw std::runtime_error("OpenSSL gave a signature it cannot read back");
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return raw;
}

}  // namespace linktrack::acme
