// What `linktrack doctor` saw of one tracking domain from the outside, as a client would: plain
// data, filled by the probes (doctor/probe) and judged by the checks (doctor/checks).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "acme/inventory.hpp"
#include "net/certificate_info.hpp"

namespace linktrack::doctor {

struct DnsAnswer {
  std::vector<std::string> addresses;  // A and AAAA, as text
  std::string canonical;               // the end of a CNAME chain, when it differs from the name
  std::string error;                   // why nothing resolved
  bool overridden = false;             // from --resolve
};

struct TlsAnswer {
  std::string error;         // no handshake: why
  bool verified = false;     // chain to a trusted root, valid now, and naming the host
  std::string verify_error;  // OpenSSL's reason when not verified
  int chain_length = 0;      // certificates the server sent
  std::string protocol;      // "TLSv1.3"
  net::CertificateInfo certificate;
};

struct HttpAnswer {
  std::string url = {};
  std::string error = {};  // no HTTP answer: why
  long status = 0;
  std::string location = {};
  std::string content_type = {};
  std::string strict_transport_security = {};
  std::string body = {};      // the first 64 KiB
  std::string local_ip = {};  // the address this machine connected from
};

struct DomainObservations {
  std::string host;    // the name checked
  std::string domain;  // the configured domain it belongs to
  bool https = true;   // viewers use https (public_url, or tls)
  std::string origin;  // "https://links.example.com[:port]"
  std::string target;  // --target: the name or address the domain should point at
  std::vector<std::string> target_addresses;
  DnsAnswer dns;
  std::optional<TlsAnswer> tls;
  bool tls_auto = false;                     // `tls: auto`: the certificate comes from ACME
  std::optional<acme::CertificateRow> acme;  // tls: auto: what the shared ACME storage records
  std::string registrable;  // example.com for links.example.com; empty when the host is it
  std::optional<HttpAnswer> registrable_root;
  std::optional<HttpAnswer> http_root;  // http://host/ (https domains: should redirect)
  std::optional<HttpAnswer> apple_app_site_association, assetlinks;  // when configured
  HttpAnswer healthz, viewer;
  std::vector<std::string> trusted_proxies;  // proxies.trusted, as configured
  std::int64_t now_s = 0;
};

}  // namespace linktrack::doctor
