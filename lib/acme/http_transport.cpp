#include "acme/http_transport.hpp"

namespace linktrack::acme {

namespace {
outbound::ClientOptions options(std::optional<std::string> ca_file, std::int64_t timeout_ms,
                                const std::atomic<bool>* cancel) {
  outbound::ClientOptions o;
  o.user_agent = "linktrack-acme";
  o.timeout_ms = timeout_ms;
  o.ca_file = std::move(ca_file);
  o.max_answer_bytes = 1 << 20;
  o.cancel = cancel;
  return o;
}
}  // namespace

HttpTransport::HttpTransport(std::optional<std::string> ca_file, std::int64_t timeout_ms,
                             const std::atomic<bool>* cancel)
    : client_(options(std::move(ca_file), timeout_ms, cancel)) {}

outbound::Response HttpTransport::get(const std::string& url) {
  return client_.get(url);
}

outbound::Response HttpTransport::head(const std::string& url) {
  return client_.get(url, {}, true);
}

outbound::Response HttpTransport::post(const std::string& url, const std::string& jws) {
  return client_.post(url, {"Content-Type: application/jose+json"}, jws);
}

}  // namespace linktrack::acme
