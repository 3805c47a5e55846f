#include "acme/certificate_request.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "util/base64.hpp"

namespace linktrack::acme {
namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL could not ") + what);
}

// subjectAltName with every name as a dNSName.
X509_EXTENSION* dns_names_extension(const std::vector<std::string>& names) {
  GENERAL_NAMES* sans = sk_GENERAL_NAME_new_null();
  for (const auto& n : names) {
    GENERAL_NAME* g = GENERAL_NAME_new();
    ASN1_IA5STRING* s = ASN1_IA5STRING_new();
    ASN1_STRING_set(s, n.data(), static_cast<int>(n.size()));
    GENERAL_NAME_set0_value(g, GEN_DNS, s);
    sk_GENERAL_NAME_push(sans, g);
  }
  X509_EXTENSION* ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, sans);
  GENERAL_NAMES_free(sans);
  check(ext != nullptr, "make a subjectAltName");
  return ext;
}

X509_NAME* common_name(const std::string& host) {
  X509_NAME* name = X509_NAME_new();
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1,
                                   0) == 1,
        "name a certificate");
  return name;
}

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

std::string certificate_request(EVP_PKEY* key, const std::vector<std::string>& names) {
  if (names.empty()) throw std::invalid_argument("a certificate request needs a name");
  X509_REQ* req = X509_REQ_new();
  X509_REQ_set_version(req, 0);
  X509_NAME* subject = common_name(names.front());
  X509_REQ_set_subject_name(req, subject);
  X509_NAME_free(subject);
  X509_REQ_set_pubkey(req, key);
  STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
  sk_X509_EXTENSION_push(exts, dns_names_extension(names));
  X509_REQ_add_extensions(req, exts);
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  const bool signed_ok = X509_REQ_sign(req, key, EVP_sha256()) > 0;
  unsigned char* der = nullptr;
  const int n = signed_ok ? i2d_X509_REQ(req, &der) : -1;
  X509_REQ_free(req);
  check(n > 0, "make a certificate request");
  std::string out = util::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n)));
  OPENSSL_free(der);
  return out;
}

AlpnCertificate alpn_challenge_certificate(const std::string& host,
                                           const std::string& key_authorization) {
  Pkey key = new_p256_key();
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 7 * 86400);
  X509_NAME* name = common_name(host);
  X509_set_subject_name(cert, name);
  X509_set_issuer_name(cert, name);
  X509_NAME_free(name);
  X509_set_pubkey(cert, key.get());
  X509_EXTENSION* sans = dns_names_extension({host});
  X509_add_ext(cert, sans, -1);
  X509_EXTENSION_free(sans);
  // id-pe-acmeIdentifier (1.3.6.1.5.5.7.1.31): the extension's value is the DER of an OCTET
  // STRING holding the digest.
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key_authorization.data()),
         key_authorization.size(), digest);
  ASN1_OCTET_STRING* inner = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(inner, digest, sizeof digest);
  unsigned char* inner_der = nullptr;
  const int inner_size = i2d_ASN1_OCTET_STRING(inner, &inner_der);
  ASN1_OCTET_STRING_free(inner);
  ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(value, inner_der, inner_size);
  OPENSSL_free(inner_der);
  ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
  X509_EXTENSION* acme = X509_EXTENSION_create_by_OBJ(nullptr, oid, 1, value);
  ASN1_OBJECT_free(oid);
  ASN1_OCTET_STRING_free(value);
  X509_add_ext(cert, acme, -1);
  X509_EXTENSION_free(acme);
  const bool ok = X509_sign(cert, key.get(), EVP_sha256()) > 0;
  AlpnCertificate out;
  if (ok) out = {pem_of(cert), private_key_pem(key.get())};
  X509_free(cert);
  check(ok, "sign a TLS-ALPN-01 certificate");
  return out;
}

}  // namespace linktrack::acme
