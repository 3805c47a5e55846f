#include "http/viewer.hpp"

#include <algorithm>
#include <optional>

#include "http/forwarded.hpp"
#include "util/ascii_case.hpp"

namespace linktrack::http {
namespace {

bool trusted_by(const net::IpAddress& a, const std::vector<net::Cidr>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(),
                     [&](const net::Cidr& c) { return c.contains(a); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The first item of a comma-separated list: what the proxy facing the viewer recorded.
std::string_view leftmost(std::string_view list) {
  return trim(list.substr(0, list.find(',')));
}

// "https" or "http" as a scheme; anything else says nothing.
std::optional<bool> scheme_is_https(std::string_view s) {
  s = trim(s);
  if (util::equals_lower(s, "https")) return true;
  if (util::equals_lower(s, "http")) return false;
  return std::nullopt;
}

// A Forwarded node: "192.0.2.1", "192.0.2.1:80", "[2001:db8::1]", "[2001:db8::1]:443".
std::optional<net::IpAddress> forwarded_node(std::string_view node) {
  if (!node.empty() && node.front() == '[') {
    const auto close = node.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return net::IpAddress::parse(node.substr(1, close - 1));
  }
  return net::IpAddress::parse(node.substr(0, node.find(':')));
}

// CloudFront-Viewer-Address: "198.51.100.10:46532", "2001:db8::1:46532" (no brackets).
std::optional<net::IpAddress> address_before_port(std::string_view s) {
  s = trim(s);
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return net::IpAddress::parse(s.substr(0, colon));
}

// CF-Visitor: {"scheme":"https"}. Only the scheme is read; Cloudflare sends nothing else.
std::optional<bool> cf_visitor_https(std::string_view s) {
  auto key = s.find("\"scheme\"");
  if (key == std::string_view::npos) return std::nullopt;
  s.remove_prefix(key + 8);
  s = trim(s);
  if (s.empty() || s.front() != ':') return std::nullopt;
  s = trim(s.substr(1));
  if (s.size() < 2 || s.front() != '"') return std::nullopt;
  const auto close = s.find('"', 1);
  if (close == std::string_view::npos) return std::nullopt;
  return scheme_is_https(s.substr(1, close - 1));
}

// Walks hops right to left (nearest first) and stops at the first that is not a trusted proxy.
// `hop(i)` gives hop i's address, or nothing when it is garbled or hidden: the walk stops, and
// the address after it, already believed, is the answer. Returns the index of the hop that
// describes the viewer (the last one read: a trusted proxy wrote it) and the address.
template <class Hop>
std::pair<std::size_t, net::IpAddress> walk(std::size_t count, const net::IpAddress& peer,
                                            const std::vector<net::Cidr>& trusted, Hop hop) {
  net::IpAddress last = peer;
  std::size_t index = count;  // past the end: the peer itself
  for (std::size_t i = count; i-- > 0;) {
    auto a = hop(i);
    if (!a) return {i, last};
    last = a->unmapped();
    index = i;
    if (!trusted_by(last, trusted)) break;
  }
  return {index, last};
}

}  // namespace

Viewer viewer_of(const net::IpAddress& peer, bool tls, std::string_view host,
                 const ForwardedHeaders& h, const std::vector<net::Cidr>& trusted) {
  Viewer v{peer, tls, host, false};
  if (!trusted_by(peer, trusted)) return v;

  // Forwarded is parsed only when sent, and then once for address, scheme and host.
  std::vector<ForwardedElement> elements;
  const ForwardedElement* element = nullptr;  // the one describing the viewer
  if (!h.forwarded.empty()) {
    elements = parse_forwarded(h.forwarded);
    auto [i, address] = walk(elements.size(), peer, trusted,
                             [&](std::size_t k) { return forwarded_node(elements[k].for_node); });
    if (i < elements.size()) element = &elements[i];
    if (h.x_forwarded_for.empty() && element) v.address = address;
  }

  if (!h.x_forwarded_for.empty()) {
    std::vector<std::string_view> hops;
    for (std::string_view rest = h.x_forwarded_for;;) {
      const auto comma = rest.find(',');
      hops.push_back(trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    v.address = walk(hops.size(), peer, trusted, [&](std::size_t k) {
                  return net::IpAddress::parse(hops[k]);
                }).second;
  } else if (!element) {
    if (auto a = net::IpAddress::parse(trim(h.cf_connecting_ip)))
      v.address = a->unmapped();
    else if (auto b = address_before_port(h.cloudfront_viewer_address))
      v.address = b->unmapped();
  }

  std::optional<bool> https = scheme_is_https(h.cloudfront_forwarded_proto);
  if (!https && !h.cf_visitor.empty()) https = cf_visitor_https(h.cf_visitor);
  if (!https && element) https = scheme_is_https(element->proto);
  if (!https) https = scheme_is_https(leftmost(h.x_forwarded_proto));
  if (https) {
    v.https = *https;
    v.scheme_forwarded = true;
  }

  if (auto forwarded_host = leftmost(h.x_forwarded_host); !forwarded_host.empty())
    v.host = forwarded_host;
  else if (element && !element->host.empty())
    v.host = element->host;
  return v;
}

}  // namespace linktrack::http
