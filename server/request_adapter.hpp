// A request, parsed by Beast into a message (the admin listener) or into views by
// RequestViewParser (the tracking listeners), seen as the pure handler's Beast-free RequestView.
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
  int transfer_codings = 0;              // across every Transfer-Encoding line
  bool unknown_transfer_coding = false;  // one that is not "chunked"

  // Every view above, for a parser that must move them out of its input.
  template <class F>
  void each_view(F&& f) {
    for (auto* v : {&host, &accept, &user_agent, &referer, &accept_language, &sec_fetch_mode,
                    &sec_purpose, &purpose, &x_purpose, &x_moz, &forwarded.x_forwarded_for,
                    &forwarded.x_forwarded_proto, &forwarded.x_forwarded_host, &forwarded.forwarded,
                    &forwarded.cf_connecting_ip, &forwarded.cf_visitor,
                    &forwarded.cloudfront_forwarded_proto, &forwarded.cloudfront_viewer_address})
      f(*v);
  }
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

// One header line into `h`: the server's rule for each header it reads, shared by the Beast
// request (the admin listener) and the view parser (the tracking listeners).
inline void scan_field(RequestHeaders& h, JoinedLines& storage, boost::beast::http::field name,
                       std::string_view name_string, std::string_view value) {
  namespace bhttp = boost::beast::http;
  auto first = [](std::string_view& slot, std::string_view v) {
    if (slot.data() == nullptr) slot = v;
  };
  auto counted = [](std::string_view& slot, int& lines, std::string_view v) {
    if (lines++ == 0) slot = v;
  };
  auto& fw = h.forwarded;
  switch (name) {
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
      // The codings in order across every line: only a single "chunked" is decoded here.
      for (auto coding : bhttp::token_list(value)) {
        ++h.transfer_codings;
        if (!boost::beast::iequals(coding, "chunked")) h.unknown_transfer_coding = true;
      }
      break;
    case bhttp::field::forwarded:
      detail::join_line(fw.forwarded, value, storage.forwarded);
      break;
    case bhttp::field::unknown:
      if (boost::beast::iequals(name_string, "X-Forwarded-For")) {
        detail::join_line(fw.x_forwarded_for, value, storage.x_forwarded_for);
      } else if (boost::beast::iequals(name_string, "X-Forwarded-Proto")) {
        first(fw.x_forwarded_proto, value);  // only the left-most is read
      } else if (boost::beast::iequals(name_string, "X-Forwarded-Host")) {
        first(fw.x_forwarded_host, value);
      } else if (boost::beast::iequals(name_string, "CF-Connecting-IP")) {
        counted(fw.cf_connecting_ip, h.cf_connecting_ip_lines, value);
      } else if (boost::beast::iequals(name_string, "CF-Visitor")) {
        counted(fw.cf_visitor, h.cf_visitor_lines, value);
      } else if (boost::beast::iequals(name_string, "CloudFront-Forwarded-Proto")) {
        counted(fw.cloudfront_forwarded_proto, h.cloudfront_proto_lines, value);
      } else if (boost::beast::iequals(name_string, "CloudFront-Viewer-Address")) {
        counted(fw.cloudfront_viewer_address, h.cloudfront_address_lines, value);
      } else if (boost::beast::iequals(name_string, "Sec-Purpose")) {
        first(h.sec_purpose, value);
      } else if (boost::beast::iequals(name_string, "Purpose")) {
        first(h.purpose, value);
      } else if (boost::beast::iequals(name_string, "X-Purpose")) {
        first(h.x_purpose, value);
      } else if (boost::beast::iequals(name_string, "X-Moz")) {
        first(h.x_moz, value);
      }
      break;
    default:
      break;
  }
}

inline RequestHeaders scan_headers(const Request& req, JoinedLines& storage) {
  RequestHeaders h;
  for (const auto& f : req) scan_field(h, storage, f.name(), f.name_string(), f.value());
  return h;
}

// The request line, as the handler and the response need it.
struct RequestLine {
  std::string_view method, target;
  unsigned version = 11;
  bool keep_alive = true;
};

inline RequestLine request_line(const Request& req) {
  return {req.method_string(), req.target(), req.version(), req.keep_alive()};
}

// The view refers to what `line` and `h` refer to.
inline http::RequestView request_view(const RequestLine& line, const RequestHeaders& h,
                                      const net::IpAddress& peer, bool tls, std::int64_t now_ms) {
  http::RequestView v;
  v.method = line.method;
  v.target = line.target;
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
