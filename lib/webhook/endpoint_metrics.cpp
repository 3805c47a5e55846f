#include "webhook/endpoint_metrics.hpp"

#include <functional>
#include <sstream>

namespace linktrack::webhook {

std::string render_metrics(const std::vector<std::shared_ptr<EndpointMetrics>>& endpoints,
                           std::int64_t now_ms) {
  std::ostringstream o;
  auto family = [&](const char* name, const char* type, const char* help,
                    const std::function<void(const EndpointMetrics&)>& each) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
    for (const auto& e : endpoints) each(*e);
  };
  auto line = [&](const char* name, const EndpointMetrics& e, auto value) {
    o << name << "{endpoint=\"" << e.endpoint << "\"} " << value << "\n";
  };
  auto load = [](const auto& a) { return a.load(std::memory_order_relaxed); };
  family("linktrack_webhook_events_delivered_total", "counter",
         "Events delivered to the endpoint (acknowledged with 2xx).",
         [&](const EndpointMetrics& e) {
           line("linktrack_webhook_events_delivered_total", e, load(e.delivered_events));
         });
  family("linktrack_webhook_batches_delivered_total", "counter",
         "Batches delivered to the endpoint (acknowledged with 2xx).",
         [&](const EndpointMetrics& e) {
           line("linktrack_webhook_batches_delivered_total", e, load(e.delivered_batches));
         });
  family("linktrack_webhook_failures_total", "counter", "Failed attempts, by class.",
         [&](const EndpointMetrics& e) {
           for (std::size_t f = 0; f < kFailureCount; ++f)
             o << "linktrack_webhook_failures_total{endpoint=\"" << e.endpoint << "\",class=\""
               << kFailureNames[f] << "\"} " << load(e.failures[f]) << "\n";
         });
  family("linktrack_webhook_dead_lettered_total", "counter",
         "Batches given up after max_age and kept as dead letters.", [&](const EndpointMetrics& e) {
           line("linktrack_webhook_dead_lettered_total", e, load(e.dead_lettered));
         });
  family(
      "linktrack_webhook_errors_total", "counter",
      "Delivery passes that failed on the click log itself (retried).",
      [&](const EndpointMetrics& e) { line("linktrack_webhook_errors_total", e, load(e.errors)); });
  family("linktrack_webhook_retry_batches", "gauge", "Batches waiting for a retry.",
         [&](const EndpointMetrics& e) {
           line("linktrack_webhook_retry_batches", e, load(e.retrying));
         });
  family("linktrack_webhook_dead_letters", "gauge",
         "Dead letters kept (linktrack webhooks replay sends them again).",
         [&](const EndpointMetrics& e) {
           line("linktrack_webhook_dead_letters", e, load(e.dead_letters));
         });
  family(
      "linktrack_webhook_disabled", "gauge",
      "1 when the endpoint answered 410 Gone: nothing is sent until a reload.",
      [&](const EndpointMetrics& e) { line("linktrack_webhook_disabled", e, load(e.disabled)); });
  family("linktrack_webhook_lag_seconds", "gauge",
         "Age of the oldest event not yet acknowledged by the endpoint; 0 when caught up.",
         [&](const EndpointMetrics& e) {
           const auto oldest = load(e.oldest_unacknowledged_ms);
           line("linktrack_webhook_lag_seconds", e,
                oldest ? static_cast<double>(std::max<std::int64_t>(0, now_ms - oldest)) / 1000.0
                       : 0.0);
         });
  return o.str();
}

}  // namespace linktrack::webhook
