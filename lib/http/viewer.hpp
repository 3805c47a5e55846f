// Who is on the other end of a request, and how they reached us: the peer itself, or, when the
// peer is a trusted proxy or CDN, what it says of the viewer (address, scheme, Host).
#pragma once

#include <string_view>
#include <vector>

#include "net/cidr.hpp"

namespace linktrack::http {

// The headers proxies and CDNs describe the viewer with, as sent. Headers that came on several
// lines are one comma-joined list (RFC 9110 section 5.3).
struct ForwardedHeaders {
  std::string_view x_forwarded_for = {};
  std::string_view x_forwarded_proto = {};
  std::string_view x_forwarded_host = {};
  std::string_view forwarded = {};  // RFC 7239
  std::string_view cf_connecting_ip = {};
  std::string_view cf_visitor = {};
  std::string_view cloudfront_forwarded_proto = {};
  std::string_view cloudfront_viewer_address = {};
};

struct Viewer {
  net::IpAddress address;
  bool https = false;
  std::string_view host;  // the Host the viewer sent: forwarded, else the request's own
  // A proxy said which scheme the viewer used: the viewer's port is the proxy's, not ours.
  bool scheme_forwarded = false;
};

// From an untrusted peer every header is ignored (anyone can send them): the viewer is the
// peer, over the connection's own scheme, naming the request's Host.
//
// From a trusted peer:
// - address: the right-most address of X-Forwarded-For that is not itself trusted; without
//   X-Forwarded-For, the same walk over Forwarded's `for`; then CF-Connecting-IP; then
//   CloudFront-Viewer-Address. A garbled or hidden hop ends the walk at the hop after it.
// - scheme: CloudFront-Forwarded-Proto, CF-Visitor, the `proto` of the Forwarded element that
//   describes the viewer, X-Forwarded-Proto (left-most), else the connection's own.
// - host: X-Forwarded-Host (left-most), the `host` of that Forwarded element, else Host.
Viewer viewer_of(const net::IpAddress& peer, bool tls, std::string_view host,
                 const ForwardedHeaders& headers, const std::vector<net::Cidr>& trusted);

}  // namespace linktrack::http
