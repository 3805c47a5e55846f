// What an operator wants to know about a certificate file: whom it names and until when.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <openssl/types.h>

namespace linktrack::net {

struct CertificateInfo {
  std::string subject;            // RFC 2253, e.g. "CN=links.example.com"
  std::vector<std::string> sans;  // DNS names and IP addresses
  std::int64_t not_after_ms = 0;  // Unix milliseconds
};

// The first certificate of a PEM file; nullopt when the file holds none.
std::optional<CertificateInfo> read_certificate_info(const std::string& pem_path);

// A certificate in memory (one a server sent, say).
CertificateInfo certificate_info(const X509* certificate);

}  // namespace linktrack::net
