// What the ACME manager hands the front end: certificates it obtained (swapped in whole, read
// by the SNI callback), and the answers to challenges under way (HTTP-01 key authorizations,
// TLS-ALPN-01 certificates). Written by the manager's thread, read by I/O threads.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/metrics.hpp"
#include "util/published.hpp"

namespace linktrack::server {

class AcmeCertificates {
 public:
  using Context = std::shared_ptr<boost::asio::ssl::context>;

  AcmeCertificates() : served_(std::make_shared<const Served>()) {}

  // A server context from a PEM text holding the key and the chain; throws std::runtime_error.
  Context context_from_pem(const std::string& pem);

  // The certificate for a name, or null. `names`: every name it is for (host and aliases).
  Context find(const std::string& name) const;
  void install(const std::vector<std::string>& names, Context ctx, std::int64_t not_after);
  std::vector<metrics::CertificateExpiry> expiries() const;

  // HTTP-01: the key authorization for a token.
  void present_http(const std::string& token, const std::string& key_authorization);
  void withdraw_http(const std::string& token);
  std::optional<std::string> http_answer(std::string_view token) const;

  // TLS-ALPN-01: the validation certificate for a name.
  void present_alpn(const std::string& host, Context ctx);
  void withdraw_alpn(const std::string& host);
  Context alpn_answer(const std::string& host) const;

  // Installs on `ctx` what makes TLS-ALPN-01 work: a client offering acme-tls/1 for a name
  // with a challenge under way gets it, and the validation certificate (RFC 8737 3).
  static void enable_alpn_challenges(SSL_CTX* ctx, AcmeCertificates* self);

 private:
  struct Entry {
    Context ctx;
    std::string host;  // the first name, for metrics
    std::int64_t not_after = 0;
  };
  using Served = std::map<std::string, Entry>;
  static int on_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                     const unsigned char* in, unsigned int inlen, void* self);

  std::mutex write_mutex_;       // one writer at a time for served_
  util::Published<Served> served_;
  mutable std::mutex challenges_mutex_;
  std::map<std::string, std::string, std::less<>> http_;  // token -> key authorization
  std::map<std::string, Context> alpn_;                   // host -> validation certificate
};

}  // namespace linktrack::server
