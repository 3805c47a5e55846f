// What an order is finalized with (RFC 8555 7.4): a new P-256 key for the certificate, and a
// CSR naming the order's hosts in its subjectAltName, DER then base64url.
#pragma once

#include <string>
#include <vector>

#include "acme/account_key.hpp"

namespace linktrack::acme {

// The CSR for `names` (the first is also the subject's CN), signed by `key`, base64url DER.
std::string certificate_request(EVP_PKEY* key, const std::vector<std::string>& names);

// The self-signed certificate a TLS-ALPN-01 validation must see (RFC 8737 3): `host` as its only
// DNS name and, critical, the acmeIdentifier extension holding SHA-256 of the key
// authorization. PEM certificate and PEM key.
struct AlpnCertificate {
  std::string cert_pem;
  std::string key_pem;
};
AlpnCertificate alpn_challenge_certificate(const std::string& host,
                                           const std::string& key_authorization);

}  // namespace linktrack::acme
