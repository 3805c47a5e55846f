// Certificates by server name, and the SNI callback that picks one per handshake.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "acme_certificates.hpp"
#include "config/config.hpp"
#include "config/host_index.hpp"

namespace linktrack::server {

class TlsRegistry {
 public:
  // Loads every domain's certificate; throws std::runtime_error naming the file on failure.
  // Keeps the config: its host index points into it.
  // `acme`: certificates of `tls: auto` domains and on-demand names; may be null.
  explicit TlsRegistry(std::shared_ptr<const config::Config> c, AcmeCertificates* acme = nullptr);
  // The context every TLS connection starts with; the SNI callback swaps in the right one.
  boost::asio::ssl::context& front() { return *front_; }
  // The context for a server name: exact hosts and aliases, then certificate wildcards.
  // ACME's certificates are looked up last but for a `tls: auto` domain's own names.
  boost::asio::ssl::context* find(const std::string& name);
  // Whether a handshake naming `name` finds a certificate of its own (not the default one).
  bool serves(const std::string& name);
  // A server context with one certificate (a domain's, or the admin listener's); throws
  // std::runtime_error naming the file on failure.
  static std::shared_ptr<boost::asio::ssl::context> load(const config::TlsFiles& files,
                                                         AcmeCertificates* acme = nullptr);
  // A server context with linktrack's protocol settings and no certificate yet.
  static std::shared_ptr<boost::asio::ssl::context> base(AcmeCertificates* acme);

 private:
  static int on_server_name(SSL* ssl, int* alert, void* self);

  std::shared_ptr<const config::Config> config_;
  config::HostIndex hosts_;  // the same lookup the handler uses
  AcmeCertificates* acme_ = nullptr;
  std::vector<std::shared_ptr<boost::asio::ssl::context>> contexts_;
  std::unordered_map<const config::Domain*, boost::asio::ssl::context*> by_domain_;
  std::unordered_map<std::string, boost::asio::ssl::context*>
      wildcard_;  // "example.com" for *.example.com
  boost::asio::ssl::context* default_ = nullptr;
  std::shared_ptr<boost::asio::ssl::context> front_;
};

}  // namespace linktrack::server
