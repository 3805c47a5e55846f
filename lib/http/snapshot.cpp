#include "http/snapshot.hpp"

#include "mint/link_minter.hpp"

namespace linktrack::http {
namespace {

// A 1x1 transparent ICO, for CDN health checks that ask for /favicon.ico.
const unsigned char kBuiltinIcon[] = {
    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x20, 0x00,
    0x30, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

}  // namespace

std::shared_ptr<const Snapshot> Snapshot::build(std::shared_ptr<const config::Config> config) {
  auto s = std::make_shared<Snapshot>();
  s->config = config;
  s->keyring = mint::keyring_from(*config);
  s->hosts = config::HostIndex(*config);
  if (config->acme && config->acme->on_demand)
    s->on_demand = s->hosts.find(config->acme->on_demand->domain);
  s->classifier = std::make_shared<const classify::Classifier>(config->bot_rules);
  s->favicon = config->favicon
                   ? config->favicon_body
                   : std::string(reinterpret_cast<const char*>(kBuiltinIcon), sizeof kBuiltinIcon);
  for (const auto& d : config->domains)
    s->per_domain.push_back({QueryParams::of(d.append_query), CookieAttributes::of(d.cookies)});
  const auto& https = config->listen.https_addresses;
  if (!https.empty() && https.front().port != 443)
    s->https_port_suffix = ":" + std::to_string(https.front().port);
  return s;
}

}  // namespace linktrack::http
