// The admin listener's routes: /metrics (Prometheus text) and /healthz.
#pragma once

#include "runtime.hpp"
#include "session.hpp"

namespace linktrack::server {

inline AdminHandler admin_handler(Runtime& rt) {
  return [&rt](std::string_view method, std::string_view target) {
    http::Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.no_store = true;
    const auto path = target.substr(0, target.find('?'));
    if (method != "GET" && method != "HEAD") {
      r.status = 405;
      r.body = "Only GET and HEAD.\n";
    } else if (path == "/metrics") {
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = metrics::render(rt.metrics(), rt.writer_stats());
    } else if (path == "/healthz") {
      r.body = "ok\n";
    } else {
      r.status = 404;
      r.body = "Not found.\n";
    }
    r.head_only = method == "HEAD";
    return r;
  };
}

}  // namespace linktrack::server
