#include "outbound/http_client.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <mutex>
#include <stdexcept>

#include "net/address_policy.hpp"

namespace linktrack::outbound {

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_s) {
  const std::string v = trim(value);
  if (v.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec == std::errc() && end == v.data() + v.size()) return std::max<std::int64_t>(0, seconds);
  const std::time_t when = curl_getdate(v.c_str(), nullptr);  // IMF-fixdate and older forms
  if (when < 0) return std::nullopt;
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(when) - now_s);
}

struct HttpClient::State {
  CURL* curl = nullptr;
  bool allow_private = true;
  std::size_t max_answer_bytes = 0;
  // Per request:
  Response* response = nullptr;
  const BodySink* sink = nullptr;
  bool sink_refused = false;
  std::optional<std::string> refused;  // the address refused and why

  // Called for every connection libcurl opens, with the address it resolved: the one place
  // where the address is known and nothing has been sent yet.
  static curl_socket_t open_socket(void* self, curlsocktype, struct curl_sockaddr* a) {
    auto* s = static_cast<State*>(self);
    if (!s->allow_private) {
      char text[INET6_ADDRSTRLEN] = "";
      if (a->family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&a->addr)->sin_addr, text, sizeof text);
      else if (a->family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&a->addr)->sin6_addr, text,
                  sizeof text);
      auto ip = net::IpAddress::parse(text);
      if (!ip) {
        s->refused = "an address that is not IPv4 or IPv6";
        return CURL_SOCKET_BAD;
      }
      if (auto range = net::special_purpose_range(*ip)) {
        s->refused = std::string(text) + " (" + *range + "; allow_private: true allows it)";
        return CURL_SOCKET_BAD;
      }
    }
    return ::socket(a->family, a->socktype, a->protocol);
  }
  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* self) {
    auto* s = static_cast<State*>(self);
    const std::size_t bytes = size * n;
    if (s->sink && *s->sink) {
      long status = 0;
      curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
      if (status >= 200 && status < 300) {
        if ((*s->sink)(std::string_view(data, bytes))) return bytes;
        s->sink_refused = true;
        return 0;
      }
    }
    std::string& body = s->response->body;
    if (body.size() >= s->max_answer_bytes) {  // enough: ends the transfer
      s->response->truncated = true;
      return 0;
    }
    const std::size_t keep = std::min(bytes, s->max_answer_bytes - body.size());
    body.append(data, keep);
    if (keep < bytes) s->response->truncated = true;
    return bytes;
  }
  static int on_progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return cancel && static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
  }
  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self) {
    auto* s = static_cast<State*>(self);
    const std::string_view line(data, size * n);
    // A new status line (after a 100 Continue, say): only the final answer's headers count.
    if (line.starts_with("HTTP/")) s->response->headers.clear();
    if (auto colon = line.find(':'); colon != std::string_view::npos && colon > 0) {
      std::string name(line.substr(0, colon));
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      s->response->headers.emplace_back(std::move(name), trim(line.substr(colon + 1)));
    }
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size() &&
        std::equal(kName.begin(), kName.end(), line.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
      s->response->retry_after = trim(line.substr(kName.size()));
    return size * n;
  }
};

void HttpClient::global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpClient::HttpClient(ClientOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>()) {
  global_init();
  state_->allow_private = options_.allow_private;
  state_->max_answer_bytes = options_.max_answer_bytes;
  CURL* c = state_->curl = curl_easy_init();
  if (!c) throw std::runtime_error("libcurl could not make a handle");
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_PROXY, "");     // no proxy from the environment: the address
                                              // checks are for the server itself
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<std::int64_t>(options_.timeout_ms, 10000)));
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &State::open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, state_.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &State::on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, state_.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &State::on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, state_.get());
  if (options_.ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file->c_str());
  if (options_.username) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username->c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.value_or("").c_str());
  }
  if (options_.cancel) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &State::on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(options_.cancel));
  }
}

HttpClient::~HttpClient() {
  if (state_ && state_->curl) curl_easy_cleanup(state_->curl);
}

std::string Response::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return {};
}

Response HttpClient::post(const std::string& url, const std::vector<std::string>& headers,
                          std::string_view body, const BodySink& sink) {
  CURL* c = state_->curl;
  curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  return perform(url, headers, sink);
}

Response HttpClient::get(const std::string& url, const std::vector<std::string>& headers,
                         bool head) {
  CURL* c = state_->curl;
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c, CURLOPT_NOBODY, head ? 1L : 0L);
  return perform(url, headers, {});
}

Response HttpClient::perform(const std::string& url, const std::vector<std::string>& headers,
                             const BodySink& sink) {
  State& s = *state_;
  Response r;
  s.response = &r;
  s.sink = &sink;
  s.sink_refused = false;
  s.refused.reset();
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip for big bodies
  curl_easy_setopt(s.curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, list);
  const CURLcode rc = curl_easy_perform(s.curl);
  curl_slist_free_all(list);
  curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, nullptr);
  s.response = nullptr;
  s.sink = nullptr;
  long status = 0;
  curl_easy_getinfo(s.curl, CURLINFO_RESPONSE_CODE, &status);
  // An answer whose body was cut at the limit (CURLE_WRITE_ERROR) is still an answer.
  if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && status > 0 && !s.sink_refused)) {
    r.status = status;
    if (!r.ok()) {
      std::string excerpt = r.body.substr(0, 300);
      std::replace_if(
          excerpt.begin(), excerpt.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; },
          ' ');
      r.error = "HTTP " + std::to_string(status) + (excerpt.empty() ? "" : ": " + excerpt);
    }
    return r;
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    r.failure = TransportFailure::cancelled;
    r.error = "abandoned: stopping";
  } else if (s.sink_refused) {
    r.failure = TransportFailure::cancelled;
    r.error = "abandoned by its reader";
  } else if (s.refused) {
    r.failure = TransportFailure::refused_address;
    r.error = "refused to connect to " + *s.refused;
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    r.failure = TransportFailure::timeout;
    r.error = "no answer within " + std::to_string(options_.timeout_ms) + " ms";
  } else if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
             rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM) {
    r.failure = TransportFailure::tls;
    r.error = std::string("TLS: ") + curl_easy_strerror(rc);
  } else {
    r.failure = TransportFailure::connect;
    r.error = curl_easy_strerror(rc);
  }
  r.status = 0;
  return r;
}

}  // namespace linktrack::outbound
