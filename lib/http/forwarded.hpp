// RFC 7239 `Forwarded`: the elements a chain of proxies recorded, nearest proxy last.
#pragma once

#include <string_view>
#include <vector>

namespace linktrack::http {

// One element: what one proxy saw of the hop before it. Values are as sent, quotes removed
// (a quoted value holds no escapes worth keeping: RFC 7239 nodes and hosts have none).
struct ForwardedElement {
  std::string_view for_node;  // "192.0.2.60", "[2001:db8::1]:4711", "unknown", "_hidden"
  std::string_view proto;     // "https"
  std::string_view host;      // the Host the hop before it sent
};

// The elements in order, or nothing when the value is not well formed: a garbled header is
// ignored as a whole rather than half believed. No library in Debian parses this header, and
// the grammar is three lines of RFC 7239 section 4.
std::vector<ForwardedElement> parse_forwarded(std::string_view value);

}  // namespace linktrack::http
