// One endpoint's HTTP client, on libcurl: POSTs a batch and tells what came back. Keeps its
// connection alive between batches. Connects only to public addresses unless allowed (checked
// on the address each connection is opened to, after DNS), follows no redirects, reads at most
// a few KiB of any answer, and gives up after the endpoint's timeout.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  ~Poster();
  Poster(const Poster&) = delete;
  Poster& operator=(const Poster&) = delete;

  // `headers` as "Name: value" lines.
  Answer post(const std::vector<std::string>& headers, const std::string& body);

  // libcurl's process-wide set-up: once, before any thread makes a Poster.
  static void global_init();

 private:
  struct State;
  PostTarget target_;
  std::unique_ptr<State> state_;
};

// Retry-After (RFC 9110 10.2.3) as seconds from `now_s`: delay-seconds or an HTTP-date.
std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_s);

}  // namespace linktrack::webhook
