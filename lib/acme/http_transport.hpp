// The ACME client's HTTP over libcurl (outbound::HttpClient): the CA's own trust (`ca_file`)
// when given, answers up to 1 MiB (a certificate chain), and a timeout per request.
#pragma once

#include <optional>
#include <string>

#include "acme/client.hpp"

namespace linktrack::acme {

class HttpTransport final : public Transport {
 public:
  HttpTransport(std::optional<std::string> ca_file, std::int64_t timeout_ms,
                const std::atomic<bool>* cancel);
  outbound::Response get(const std::string& url) override;
  outbound::Response head(const std::string& url) override;
  outbound::Response post(const std::string& url, const std::string& jws) override;

 private:
  outbound::HttpClient client_;
};

}  // namespace linktrack::acme
