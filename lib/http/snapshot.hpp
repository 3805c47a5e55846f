// One immutable view of the configuration, shared by every request until a reload swaps it.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "classify/classifier.hpp"
#include "config/config.hpp"
#include "config/host_index.hpp"
#include "http/append_query.hpp"
#include "http/cookies.hpp"
#include "token/keyring.hpp"

namespace linktrack::http {

struct Snapshot {
  std::shared_ptr<const config::Config> config;
  std::shared_ptr<const token::Keyring> keyring;
  config::HostIndex hosts;                                 // hosts and aliases
  std::shared_ptr<const classify::Classifier> classifier;  // the bot rules, compiled
  std::string favicon;                                     // bytes of the icon served
  // ":8443" when the first https listener is not on 443, else empty: what plain-HTTP requests
  // for a TLS domain are sent to.
  std::string https_port_suffix;

  // What each domain's answers are made of, made once: by domain, in config order.
  struct PerDomain {
    QueryParams append_query;
    CookieAttributes cookie_attributes;
  };
  std::vector<PerDomain> per_domain;

  // The domain that serves names given certificates on demand (acme.on_demand.domain).
  const config::Domain* on_demand = nullptr;

  static std::shared_ptr<const Snapshot> build(std::shared_ptr<const config::Config> config);
  // A host or alias; else, with on-demand certificates, the on-demand domain (a name that got
  // no certificate never gets past the handshake, and plain http only sends it there).
  const config::Domain* domain_for(std::string_view host) const {
    const auto* d = hosts.find(host);
    return d ? d : on_demand;
  }
  const PerDomain& of(const config::Domain& d) const {
    return per_domain[static_cast<std::size_t>(&d - config->domains.data())];
  }
};

}  // namespace linktrack::http
