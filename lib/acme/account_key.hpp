// The ACME account's key (ECDSA P-256, RFC 8555 6.2 with RFC 7518's ES256): made once, kept as
// PEM, and what signs every request. Also its JWK and JWK thumbprint (RFC 7638), which key
// authorizations are made of.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>

namespace linktrack::acme {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const;
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// A new P-256 key.
Pkey new_p256_key();
// PEM (PKCS#8) of a private key, and back; nullptr when the text holds no key.
std::string private_key_pem(EVP_PKEY* key);
Pkey read_private_key_pem(std::string_view pem);

class AccountKey {
 public:
  explicit AccountKey(Pkey key);
  // The public key as a JWK, its members in the lexicographic order RFC 7638 hashes them in.
  const std::string& jwk() const { return jwk_; }
  // base64url(SHA-256(jwk)).
  const std::string& thumbprint() const { return thumbprint_; }
  // ES256 over `input`: r and s as 32 bytes each (RFC 7518 3.4), not DER.
  std::string sign(std::string_view input) const;
  std::string pem() const { return private_key_pem(key_.get()); }

 private:
  Pkey key_;
  std::string jwk_;
  std::string thumbprint_;
};

}  // namespace linktrack::acme
