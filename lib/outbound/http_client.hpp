// An HTTP client for the services linktrack talks to (webhook endpoints, ClickHouse), on
// libcurl: one connection kept alive between requests, no redirects followed, no proxy from the
// environment, and an answer read up to a limit. Optionally refuses to connect to anything but
// public addresses (checked on the address each connection is opened to, after DNS). One client
// belongs to one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/named_enum.hpp"

namespace linktrack::outbound {

// Why there was no HTTP answer.
#define LINKTRACK_TRANSPORT_FAILURES(X) X(connect) X(refused_address) X(timeout) X(tls) X(cancelled)
LINKTRACK_NAMED_ENUM(TransportFailure, LINKTRACK_TRANSPORT_FAILURES)

struct ClientOptions {
  std::string user_agent = "linktrack";
  std::int64_t timeout_ms = 10000;
  bool allow_private = true;                      // false: public addresses only
  std::optional<std::string> ca_file;             // trust for https instead of the system store
  std::optional<std::string> username, password;  // HTTP Basic authentication
  std::size_t max_answer_bytes = 4096;            // the rest of a longer answer is dropped
  const std::atomic<bool>* cancel = nullptr;      // when set, a request under way is abandoned
};

struct Response {
  long status = 0;                          // 0: no HTTP answer
  std::optional<TransportFailure> failure;  // set when there was no HTTP answer: why
  std::optional<std::string> retry_after;   // the Retry-After header as it came
  // Every header of the final answer, names lower-cased, values trimmed, in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                         // up to max_answer_bytes (or all, streamed)
  bool truncated = false;                   // the answer was longer than max_answer_bytes
  std::string error;  // for logs: the transport failure, or "HTTP 503: …" when not 2xx
  bool ok() const { return status >= 200 && status < 300; }
  // The first header of that name (lower case), or empty.
  std::string header(std::string_view name) const;
};

// A streamed answer's body, piece by piece; returning false abandons the transfer.
using BodySink = std::function<bool(std::string_view)>;

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POST `body` to `url`, with `headers` as "Name: value" lines. With `sink`, a 2xx answer's
  // body goes to it (unbounded) instead of into the response.
  Response post(const std::string& url, const std::vector<std::string>& headers,
                std::string_view body, const BodySink& sink = {});
  // GET, or HEAD when `head`.
  Response get(const std::string& url, const std::vector<std::string>& headers = {},
               bool head = false);

  // libcurl's process-wide set-up: once, before any thread makes a client.
  static void global_init();

 private:
  struct State;
  Response perform(const std::string& url, const std::vector<std::string>& headers,
                   const BodySink& sink);
  ClientOptions options_;
  std::unique_ptr<State> state_;
};

// Retry-After (RFC 9110 10.2.3) as seconds from `now_s`: delay-seconds or an HTTP-date.
std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_s);

}  // namespace linktrack::outbound
