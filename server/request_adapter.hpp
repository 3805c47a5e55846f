// A request Beast has parsed, seen as the pure handler's Beast-free RequestView.
#pragma once

#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

#include "http/request_view.hpp"

namespace linktrack::server {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

// The header lines the server acts on, found in one pass over the request's fields (cheaper
// than a lookup per name on a browser's fifteen headers).
struct RequestHeaders {
  std::string_view host, accept, user_agent, referer;
  std::string_view accept_language, sec_fetch_mode, sec_purpose, purpose, x_purpose, x_moz;
  http::ForwardedHeaders forwarded;
  int host_lines = 0;
  // A header that is one proxy's single word, sent twice, is nobody's word: each is counted so
  // that a repeated one is ignored rather than guessed.
  int cf_connecting_ip_lines = 0, cf_visitor_lines = 0;
  int cloudfront_proto_lines = 0, cloudfront_address_lines = 0;
  bool transfer_encoding = false;
};

// Where lists that came on several lines are joined: those are one comma-joined list (RFC 9110
// 5.3), so a proxy that appends its own line cannot be overruled by the client's first one.
struct JoinedLines {
  std::string x_forwarded_for, forwarded;
};

namespace detail {

inline void join_line(std::string_view& slot, std::string_view value, std::string& storage) {
  if (slot.data() == nullptr) {
    slot = value;
    return;
  }
  if (slot.data() != storage.data()) storage.assign(slot);
  storage.append(", ").append(value);
  slot = storage;
}

}  // namespace detail

inline RequestHeaders scan_headers(const Request& req, JoinedLines& storage) {
  namespace bhttp = boost::beast::http;
  RequestHeaders h;
  auto first = [](std::string_view& slot, std::string_view value) {
    if (slot.data() == nullptr) slot = value;
  };
  auto counted = [](std::string_view& slot, int& lines, std::string_view value) {
    if (lines++ == 0) slot = value;
  };
  auto& fw = h.forwarded;
  for (const auto& f : req) {
    const std::string_view value = f.value();
    switch (f.name()) {
      case bhttp::field::host:
        ++h.host_lines;
        first(h.host, value);
        break;
      case bhttp::field::accept:
        first(h.accept, value);
        break;
      case bhttp::field::user_agent:
        first(h.user_agent, value);
        break;
      case bhttp::field::referer:
        first(h.referer, value);
        break;
      case bhttp::field::accept_language:
        first(h.accept_language, value);
        break;
      case bhttp::field::sec_fetch_mode:
        first(h.sec_fetch_mode, value);
        break;
      case bhttp::field::transfer_encoding:
        h.transfer_encoding = true;
        break;
      case bhttp::field::forwarded:
        detail::join_line(fw.forwarded, value, storage.forwarded);
        break;
      case bhttp::field::unknown: {
        const auto name = f.name_string();
        if (boost::beast::iequals(name, "X-Forwarded-For")) {
          detail::join_line(fw.x_forwarded_for, value, storage.x_forwarded_for);
        } else if (boost::beast::iequals(name, "X-Forwarded-Proto")) {
          first(fw.x_forwarded_proto, value);  // only the left-most is read
        } else if (boost::beast::iequals(name, "X-Forwarded-Host")) {
          first(fw.x_forwarded_host, value);
        } else if (boost::beast::iequals(name, "CF-Connecting-IP")) {
          counted(fw.cf_connecting_ip, h.cf_connecting_ip_lines, value);
        } else if (boost::beast::iequals(name, "CF-Visitor")) {
          counted(fw.cf_visitor, h.cf_visitor_lines, value);
        } else if (boost::beast::iequals(name, "CloudFront-Forwarded-Proto")) {
          counted(fw.cloudfront_forwarded_proto, h.cloudfront_proto_lines, value);
        } else if (boost::beast::iequals(name, "CloudFront-Viewer-Address")) {
          counted(fw.cloudfront_viewer_address, h.cloudfront_address_lines, value);
        } else if (boost::beast::iequals(name, "Sec-Purpose")) {
          first(h.sec_purpose, value);
        } else if (boost::beast::iequals(name, "Purpose")) {
          first(h.purpose, value);
        } else if (boost::beast::iequals(name, "X-Purpose")) {
          first(h.x_purpose, value);
        } else if (boost::beast::iequals(name, "X-Moz")) {
          first(h.x_moz, value);
        }
        break;
      }
      default:
        break;
    }
  }
  return h;
}

// The view refers to `req` and to what `h` refers to.
inline http::RequestView request_view(const Request& req, const RequestHeaders& h,
                                      const net::IpAddress& peer, bool tls, std::int64_t now_ms) {
  http::RequestView v;
  v.method = req.method_string();
  v.target = req.target();
  v.host = h.host;
  v.accept = h.accept;
  v.accept_language = h.accept_language;
  v.sec_fetch_mode = h.sec_fetch_mode;
  v.sec_purpose = h.sec_purpose;
  v.purpose = h.purpose;
  v.x_purpose = h.x_purpose;
  v.x_moz = h.x_moz;
  v.user_agent = h.user_agent;
  v.referer = h.referer;
  v.forwarded = h.forwarded;
  if (h.cf_connecting_ip_lines > 1) v.forwarded.cf_connecting_ip = {};
  if (h.cf_visitor_lines > 1) v.forwarded.cf_visitor = {};
  if (h.cloudfront_proto_lines > 1) v.forwarded.cloudfront_forwarded_proto = {};
  if (h.cloudfront_address_lines > 1) v.forwarded.cloudfront_viewer_address = {};
  v.peer = peer;
  v.tls = tls;
  v.now_ms = now_ms;
  return v;
}

}  // namespace linktrack::server
