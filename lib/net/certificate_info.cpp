#include "net/certificate_info.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

namespace linktrack::net {

std::optional<CertificateInfo> read_certificate_info(const std::string& pem_path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_file(pem_path.c_str(), "r"), BIO_free);
  if (!in) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) {
    ERR_clear_error();
    return std::nullopt;
  }
  return certificate_info(cert.get());
}

CertificateInfo certificate_info(const X509* x509) {
  // OpenSSL's getters take a non-const certificate; none of them changes it.
  auto* certificate = const_cast<X509*>(x509);
  auto cert = std::unique_ptr<X509, void (*)(X509*)>(certificate, [](X509*) {});
  CertificateInfo info;
  std::unique_ptr<BIO, decltype(&BIO_free)> text(BIO_new(BIO_s_mem()), BIO_free);
  X509_NAME_print_ex(text.get(), X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(text.get(), &data);
  info.subject.assign(data, static_cast<std::size_t>(n));

  using Names = STACK_OF(GENERAL_NAME);
  std::unique_ptr<Names, void (*)(Names*)> names(
      static_cast<Names*>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)),
      [](Names* p) { GENERAL_NAMES_free(p); });
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
    if (g->type == GEN_DNS) {
      const auto* s = g->d.dNSName;
      info.sans.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                             static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (g->type == GEN_IPADD) {
      const auto* s = g->d.iPAddress;
      const unsigned char* b = ASN1_STRING_get0_data(s);
      char buffer[64] = {};
      if (ASN1_STRING_length(s) == 4)
        std::snprintf(buffer, sizeof buffer, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
      else if (ASN1_STRING_length(s) == 16)
        for (int k = 0; k < 16; k += 2)
          std::snprintf(buffer + std::char_traits<char>::length(buffer), 6, k ? ":%x" : "%x",
                        b[k] << 8 | b[k + 1]);
      info.sans.emplace_back(buffer);
    }
  }
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) == 1)
    info.not_after_ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  ERR_clear_error();
  return info;
}

}  // namespace linktrack::net
