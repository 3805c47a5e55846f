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
  std::string_view host, accept, user_agent, referer, x_forwarded_for, cf_connecting_ip;
  std::string_view accept_language, sec_fetch_mode, sec_purpose, purpose, x_purpose, x_moz;
  int host_lines = 0;
  int cf_connecting_ip_lines = 0;
  bool transfer_encoding = false;
};

// `storage` holds X-Forwarded-For when it came on several lines: those are one comma-joined
// list (RFC 9110 5.3), so a proxy that appends its own line cannot be overruled by the
// client's first one.
inline RequestHeaders scan_headers(const Request& req, std::string& storage) {
  namespace bhttp = boost::beast::http;
  RequestHeaders h;
  auto first = [](std::string_view& slot, std::string_view value) {
    if (slot.data() == nullptr) slot = value;
  };
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
      case bhttp::field::unknown:
        if (boost::beast::iequals(f.name_string(), "X-Forwarded-For")) {
          if (h.x_forwarded_for.data() == nullptr) {
            h.x_forwarded_for = value;
          } else {
            if (h.x_forwarded_for.data() != storage.data()) storage.assign(h.x_forwarded_for);
            storage.append(", ").append(value);
            h.x_forwarded_for = storage;
          }
        } else if (boost::beast::iequals(f.name_string(), "CF-Connecting-IP")) {
          ++h.cf_connecting_ip_lines;
          first(h.cf_connecting_ip, value);
        } else if (boost::beast::iequals(f.name_string(), "Sec-Purpose")) {
          first(h.sec_purpose, value);
        } else if (boost::beast::iequals(f.name_string(), "Purpose")) {
          first(h.purpose, value);
        } else if (boost::beast::iequals(f.name_string(), "X-Purpose")) {
          first(h.x_purpose, value);
        } else if (boost::beast::iequals(f.name_string(), "X-Moz")) {
          first(h.x_moz, value);
        }
        break;
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
  v.x_forwarded_for = h.x_forwarded_for;
  // Repeated, it is not one proxy's word: ignored rather than guessed.
  if (h.cf_connecting_ip_lines == 1) v.cf_connecting_ip = h.cf_connecting_ip;
  v.peer = peer;
  v.tls = tls;
  v.now_ms = now_ms;
  return v;
}

}  // namespace linktrack::server
