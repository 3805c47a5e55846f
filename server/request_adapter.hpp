// A request Beast has parsed, seen as the pure handler's Beast-free RequestView.
#pragma once

#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

#include "http/request_view.hpp"

namespace linktrack::server {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

inline std::string_view header_value(const Request& req, auto name) {
  auto it = req.find(name);
  return it == req.end() ? std::string_view{} : std::string_view(it->value());
}

// A list header sent on several lines is one comma-joined list (RFC 9110 5.3): a proxy that
// appends its own line must not let the client's first line speak for it.
inline std::string_view joined_header(const Request& req, std::string_view name,
                                      std::string& storage) {
  auto [first, last] = req.equal_range(name);
  if (first == last) return {};
  if (std::next(first) == last) return first->value();
  storage.clear();
  for (auto it = first; it != last; ++it) {
    if (it != first) storage.append(", ");
    storage.append(it->value());
  }
  return storage;
}

// The view refers to `req` and to `storage` (which holds a joined X-Forwarded-For).
inline http::RequestView request_view(const Request& req, const net::IpAddress& peer, bool tls,
                                      std::int64_t now_ms, std::string& storage) {
  namespace bhttp = boost::beast::http;
  http::RequestView v;
  v.method = req.method_string();
  v.target = req.target();
  v.host = header_value(req, bhttp::field::host);
  v.accept = header_value(req, bhttp::field::accept);
  v.user_agent = header_value(req, bhttp::field::user_agent);
  v.referer = header_value(req, bhttp::field::referer);
  v.x_forwarded_for = joined_header(req, "X-Forwarded-For", storage);
  // Repeated, it is not one proxy's word: ignored rather than guessed.
  if (req.count("CF-Connecting-IP") == 1)
    v.cf_connecting_ip = header_value(req, "CF-Connecting-IP");
  v.peer = peer;
  v.tls = tls;
  v.now_ms = now_ms;
  return v;
}

}  // namespace linktrack::server
