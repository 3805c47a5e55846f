#include "mint/link_minter.hpp"

namespace linktrack::mint {

std::shared_ptr<const token::Keyring> keyring_from(const config::Config& c) {
  std::vector<token::Keyring::Secret> secrets;
  for (const auto& k : c.keys) secrets.push_back({k.id, k.secret});
  return std::make_shared<const token::Keyring>(secrets);
}

LinkMinter::LinkMinter(const config::Config& c, const config::Domain& domain,
                       std::string requested_host, std::optional<std::string> base_url)
    : domain_(domain), codec_(keyring_from(c)) {
  if (base_url) {
    base_ = *base_url;
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  } else {
    // The domain's public_url; an alias the sender named keeps its own name.
    base_ = requested_host == domain.host ? domain.public_origin()
                                          : (domain.public_https() ? "https://" : "http://") +
                                                requested_host + domain.public_port_suffix;
  }
}

std::string LinkMinter::mint(const token::LinkFields& fields) {
  // Tokens are bound to the domain's primary host, so they work on each of its aliases.
  std::string token = codec_.encode(fields, domain_.host);
  return base_ + (fields.kind == token::Kind::open ? "/o/" : "/c/") + token;
}

}  // namespace linktrack::mint
