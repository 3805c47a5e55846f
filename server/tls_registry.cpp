#include "tls_registry.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "http/handler.hpp"

namespace linktrack::server {
namespace ssl = boost::asio::ssl;
namespace {

// Mozilla's "intermediate" TLS 1.2 suites; TLS 1.3 keeps OpenSSL's defaults, all of which are in
// it.
constexpr const char* kCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr unsigned char kSessionContext[] = "linktrack";

}  // namespace

std::shared_ptr<ssl::context> TlsRegistry::base(AcmeCertificates* acme) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_cipher_list(native, kCiphers);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_SERVER);
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);  // idle connections hold no TLS buffers
  if (acme) AcmeCertificates::enable_alpn_challenges(native, acme);
  return ctx;
}

namespace {

std::vector<std::string> dns_names(SSL_CTX* ctx) {
  std::vector<std::string> names;
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (!cert) return names;
  auto* sans =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(sans, i);
    if (n->type != GEN_DNS) continue;
    const auto* s = ASN1_STRING_get0_data(n->d.dNSName);
    names.push_back(http::normalize_host(
        std::string_view(reinterpret_cast<const char*>(s), ASN1_STRING_length(n->d.dNSName))));
  }
  GENERAL_NAMES_free(sans);
  return names;
}

}  // namespace

std::shared_ptr<ssl::context> TlsRegistry::load(const config::TlsFiles& files,
                                                AcmeCertificates* acme) {
  auto ctx = base(acme);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(files.cert, ec);
  if (ec) throw std::runtime_error("cannot load certificate " + files.cert + ": " + ec.message());
  ctx->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load key " + files.key + ": " + ec.message());
  return ctx;
}

TlsRegistry::TlsRegistry(std::shared_ptr<const config::Config> config, AcmeCertificates* acme)
    : config_(std::move(config)), hosts_(*config_), acme_(acme) {
  const config::Config& c = *config_;
  for (const auto& d : c.domains) {
    if (!d.tls) continue;
    auto& ctx = contexts_.emplace_back(load(*d.tls, acme_));
    by_domain_.emplace(&d, ctx.get());
    for (const auto& name : dns_names(ctx->native_handle())) {
      if (name.starts_with("*.")) wildcard_.emplace(name.substr(2), ctx.get());
    }
  }
  if (c.default_certificate) {
    default_ = contexts_.emplace_back(load(*c.default_certificate, acme_)).get();
  }
  front_ = base(acme_);
  SSL_CTX_set_tlsext_servername_callback(front_->native_handle(), &TlsRegistry::on_server_name);
  SSL_CTX_set_tlsext_servername_arg(front_->native_handle(), this);
}

ssl::context* TlsRegistry::find(const std::string& name) {
  if (const auto* d = hosts_.find(name)) {
    if (auto it = by_domain_.find(d); it != by_domain_.end()) return it->second;
    // ACME's contexts live in its own table, swapped whole; a replaced one stays alive while
    // a handshake uses it (the SSL holds a reference to the native context).
    if (d->tls_auto && acme_)
      if (auto ctx = acme_->find(d->host)) return ctx.get();
  }
  if (auto dot = name.find('.'); dot != std::string::npos) {
    if (auto it = wildcard_.find(name.substr(dot + 1)); it != wildcard_.end()) return it->second;
  }
  if (acme_)
    if (auto ctx = acme_->find(name)) return ctx.get();  // on-demand
  return default_;
}

bool TlsRegistry::serves(const std::string& name) {
  auto* ctx = find(name);
  return ctx && ctx != default_;
}

int TlsRegistry::on_server_name(SSL* ssl, int* alert, void* self) {
  auto* registry = static_cast<TlsRegistry*>(self);
  const char* sent = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  const std::string name = sent ? http::normalize_host(sent) : std::string();
  ssl::context* ctx = sent ? registry->find(name) : registry->default_;
  // A TLS-ALPN-01 validation for a name with no certificate yet: the ALPN callback answers it.
  if (!ctx && registry->acme_ && !name.empty() && registry->acme_->alpn_answer(name))
    return SSL_TLSEXT_ERR_OK;
  if (!ctx) {
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  SSL_set_SSL_CTX(ssl, ctx->native_handle());
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace linktrack::server
