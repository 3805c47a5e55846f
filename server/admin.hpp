// The admin listener's routes: /metrics (Prometheus text), /healthz, and the API under /api/
// and the dashboard under /ui (server/api_service.hpp), which run on threads of their own.
#pragma once

#include <functional>
#include <string>

#include "api_service.hpp"
#include "runtime.hpp"
#include "session.hpp"

namespace linktrack::server {

// `service_metrics`: the Prometheus text of the services beside the front end.
inline AdminHandler admin_handler(Runtime& rt, ApiService& api,
                                  std::function<std::string()> service_metrics) {
  return [&rt, &api, service_metrics](AdminRequest request, AdminAnswer answer) {
    const auto path = std::string_view(request.target).substr(0, request.target.find('?'));
    if (path.starts_with("/api/") || ui::is_dashboard_path(path))
      return api.submit(std::move(request), std::move(answer));
    http::Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.no_store = true;
    if (request.method != "GET" && request.method != "HEAD") {
      r.status = 405;
      r.body = "Only GET and HEAD.\n";
    } else if (path == "/metrics") {
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      auto certificates = rt.state()->certificates;  // from files, and from ACME
      for (auto& c : rt.acme_certificates().expiries()) certificates.push_back(std::move(c));
      r.body = metrics::render(rt.metrics(), rt.writer_stats(), certificates) +
               api.render_metrics() + service_metrics();
    } else if (path == "/healthz") {
      r.body = "ok\n";
    } else {
      r.status = 404;
      r.body = "Not found.\n";
    }
    r.head_only = request.method == "HEAD";
    answer(std::move(r));
  };
}

}  // namespace linktrack::server
