// What the fuzz targets share: a config built in code, as a running server would hold it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "config/config.hpp"
#include "http/snapshot.hpp"
#include "token/codec.hpp"

namespace linktrack::fuzz {

// The key of every seed token in corpus/: base64 "a2tr…" is 32 bytes of 'k'.
inline constexpr const char* kSecretB64 = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=";

// links.example.com (TLS, fallback, cookies, append_query) and links.example.org (plain, no
// fallback), trusting 10.0.0.0/8 as proxies.
inline std::shared_ptr<const http::Snapshot> snapshot() {
  auto c = std::make_shared<config::Config>();
  config::TokenKey key;
  key.id = 1;
  key.secret = std::string(32, 'k');
  c->keys.push_back(key);
  c->trusted_proxy_ranges.push_back(*net::Cidr::parse("10.0.0.0/8"));
  c->listen.https_addresses.push_back({"127.0.0.1", 8443});
  config::Domain a;
  a.host = "links.example.com";
  a.aliases = {"click.example.com"};
  a.tls = config::TlsFiles{"unused.crt", "unused.key"};
  a.fallback_url = "https://www.example.com/";
  a.cookies.names = {"lt_c", "lt_t", "lt_m", "lt_r"};
  a.append_query = {{"utm_source", "email"}, {"utm medium", "a&b"}};
  a.hsts = config::Hsts{86400, true};
  c->domains.push_back(a);
  config::Domain b;
  b.host = "links.example.org";
  c->domains.push_back(b);
  return http::Snapshot::build(c);
}

// Header values and Location may never carry what would split a header.
inline void require_header_safe(std::string_view v) {
  for (unsigned char ch : v)
    if (ch < 0x20 || ch == 0x7f) std::abort();
}

}  // namespace linktrack::fuzz
