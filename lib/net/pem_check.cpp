#include "net/pem_check.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace linktrack::net {

std::optional<std::string> certificate_pair_problem(const std::string& cert_path,
                                                    const std::string& key_path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(BIO_new_file(cert_path.c_str(), "r"),
                                                     BIO_free);
  if (!cert_bio) return "cannot read certificate file " + cert_path;
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) {
    ERR_clear_error();
    return "no PEM certificate in " + cert_path;
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(BIO_new_file(key_path.c_str(), "r"), BIO_free);
  if (!key_bio) return "cannot read key file " + key_path;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) {
    ERR_clear_error();
    return "no unencrypted PEM private key in " + key_path;
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return "the key in " + key_path + " does not belong to the certificate in " + cert_path;
  }
  return std::nullopt;
}

}  // namespace linktrack::net
