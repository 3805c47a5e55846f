// What the decision for a request needs to know, free of any HTTP library type.
#pragma once

#include <cstdint>
#include <string_view>

#include "http/viewer.hpp"
#include "net/cidr.hpp"

namespace linktrack::http {

struct RequestView {
  std::string_view method;  // "GET", "HEAD", …
  std::string_view target;  // path and query as sent
  std::string_view host;    // Host header as sent (may carry a port)
  std::string_view accept;
  std::string_view accept_language;
  std::string_view sec_fetch_mode;
  // Prefetch and preview hints: Sec-Purpose, Purpose, X-Purpose, X-Moz.
  std::string_view sec_purpose, purpose, x_purpose, x_moz;
  std::string_view user_agent;
  std::string_view referer;
  ForwardedHeaders forwarded;  // believed only from proxies.trusted
  net::IpAddress peer;
  bool tls = false;
  std::int64_t now_ms = 0;  // Unix milliseconds
};

}  // namespace linktrack::http
