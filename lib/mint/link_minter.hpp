// Turning config + fields into tracked URLs, as the CLI and the rewriter need it: above both
// config and token, so that neither depends on the other.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "token/codec.hpp"

namespace linktrack::mint {

std::shared_ptr<const token::Keyring> keyring_from(const config::Config& c);

class LinkMinter {
 public:
  // `base_url` overrides the domain's public scheme and port (public_url; else https://, or
  // http:// when the domain has no TLS) with `requested_host`.
  LinkMinter(const config::Config& c, const config::Domain& domain, std::string requested_host,
             std::optional<std::string> base_url = std::nullopt);
  // The tracked URL, or throws std::invalid_argument naming what is wrong with the fields.
  std::string mint(const token::LinkFields& fields);
  const config::Domain& domain() const { return domain_; }

 private:
  const config::Domain& domain_;
  std::string base_;
  token::TokenCodec codec_;
};

}  // namespace linktrack::mint
