#include "acme_certificates.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cstring>
#include <stdexcept>

#include "tls_registry.hpp"

namespace linktrack::server {
namespace {
constexpr unsigned char kAcmeTls[] = "acme-tls/1";
constexpr unsigned kAcmeTlsLength = sizeof kAcmeTls - 1;
}  // namespace

AcmeCertificates::Context AcmeCertificates::context_from_pem(const std::string& pem) {
  Context ctx = TlsRegistry::base(this);
  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(pem), ec);
  if (!ec) ctx->use_private_key(boost::asio::buffer(pem), boost::asio::ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot use the certificate: " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    throw std::runtime_error("the stored key does not belong to its certificate");
  return ctx;
}

AcmeCertificates::Context AcmeCertificates::find(const std::string& name) const {
  const auto copy = served_.get();  // once a handshake: a lock is nothing beside it
  if (auto it = copy->find(name); it != copy->end()) return it->second.ctx;
  return nullptr;
}

void AcmeCertificates::install(const std::vector<std::string>& names, Context ctx,
                               std::int64_t not_after) {
  std::lock_guard lock(write_mutex_);
  auto next = std::make_shared<Served>(*served_.get());
  for (const auto& n : names) (*next)[n] = {ctx, names.front(), not_after};
  served_.replace(std::move(next));
}

std::vector<metrics::CertificateExpiry> AcmeCertificates::expiries() const {
  std::vector<metrics::CertificateExpiry> out;
  for (const auto& [name, e] : *served_.get())
    if (name == e.host) out.push_back({e.host, e.not_after});
  return out;
}

void AcmeCertificates::present_http(const std::string& token, const std::string& key_auth) {
  std::lock_guard lock(challenges_mutex_);
  http_[token] = key_auth;
}

void AcmeCertificates::withdraw_http(const std::string& token) {
  std::lock_guard lock(challenges_mutex_);
  http_.erase(token);
}

std::optional<std::string> AcmeCertificates::http_answer(std::string_view token) const {
  std::lock_guard lock(challenges_mutex_);
  if (auto it = http_.find(token); it != http_.end()) return it->second;
  return std::nullopt;
}

void AcmeCertificates::present_alpn(const std::string& host, Context ctx) {
  std::lock_guard lock(challenges_mutex_);
  alpn_[host] = std::move(ctx);
}

void AcmeCertificates::withdraw_alpn(const std::string& host) {
  std::lock_guard lock(challenges_mutex_);
  alpn_.erase(host);
}

AcmeCertificates::Context AcmeCertificates::alpn_answer(const std::string& host) const {
  std::lock_guard lock(challenges_mutex_);
  if (auto it = alpn_.find(host); it != alpn_.end()) return it->second;
  return nullptr;
}

void AcmeCertificates::enable_alpn_challenges(SSL_CTX* ctx, AcmeCertificates* self) {
  SSL_CTX_set_alpn_select_cb(ctx, &AcmeCertificates::on_alpn, self);
}

// Called after the SNI callback and before the certificate is chosen: for a validation
// connection, the challenge's context takes over, certificate and all.
int AcmeCertificates::on_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                              const unsigned char* in, unsigned int inlen, void* arg) {
  auto* self = static_cast<AcmeCertificates*>(arg);
  bool offered = false;
  for (unsigned i = 0; i < inlen; i += 1u + in[i]) {
    if (in[i] == kAcmeTlsLength && i + 1 + kAcmeTlsLength <= inlen &&
        std::memcmp(in + i + 1, kAcmeTls, kAcmeTlsLength) == 0)
      offered = true;
  }
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (!offered || !self || !name) return SSL_TLSEXT_ERR_NOACK;
  auto ctx = self->alpn_answer(name);
  if (!ctx) return SSL_TLSEXT_ERR_ALERT_FATAL;  // acme-tls/1 is for validation only
  SSL_set_SSL_CTX(ssl, ctx->native_handle());
  *out = kAcmeTls;
  *outlen = static_cast<unsigned char>(kAcmeTlsLength);
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace linktrack::server
