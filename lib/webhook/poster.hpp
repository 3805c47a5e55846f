// One endpoint's HTTP client: POSTs a batch and tells what came back, as the retry decision
// reads it. The connection, address policy, limits and timeout are outbound::HttpClient's.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "outbound/http_client.hpp"
#include "webhook/retry.hpp"

namespace linktrack::webhook {

struct PostTarget {
  std::string url;
  std::int64_t timeout_ms = 10000;
  bool allow_private = false;
  std::optional<std::string> ca_file;
  const std::atomic<bool>* cancel = nullptr;  // when set, a request under way is abandoned
};

class Poster {
 public:
  explicit Poster(PostTarget target);

  // `headers` as "Name: value" lines.
  Answer post(const std::vector<std::string>& headers, const std::string& body);

 private:
  std::string url_;
  outbound::HttpClient client_;
};

}  // namespace linktrack::webhook
