#include "webhook/poster.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <ctime>
#include <mutex>
#include <stdexcept>

#include "net/address_policy.hpp"

namespace linktrack::webhook {

namespace {

constexpr std::size_t kMaxAnswerBytes = 4096;  // kept for the error message; the rest dropped

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

struct Poster::State {
  CURL* curl = nullptr;
  bool allow_private = false;
  // Per request:
  std::string answer;
  std::optional<std::string> retry_after;
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
    if (s->answer.size() >= kMaxAnswerBytes) return 0;  // enough: ends the transfer
    s->answer.append(data, std::min(bytes, kMaxAnswerBytes - s->answer.size()));
    return bytes;
  }
  static int on_progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return cancel && static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
  }
  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self) {
    auto* s = static_cast<State*>(self);
    const std::string_view line(data, size * n);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size() &&
        std::equal(kName.begin(), kName.end(), line.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
      s->retry_after = std::string(line.substr(kName.size()));
    return size * n;
  }
};

void Poster::global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Poster::Poster(PostTarget target) : target_(std::move(target)), state_(std::make_unique<State>()) {
  global_init();
  state_->allow_private = target_.allow_private;
  CURL* c = state_->curl = curl_easy_init();
  if (!c) throw std::runtime_error("libcurl could not make a handle");
  curl_easy_setopt(c, CURLOPT_URL, target_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_PROXY, "");     // no proxy from the environment: the address
                                              // checks are for the endpoint itself
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(target_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<std::int64_t>(target_.timeout_ms, 10000)));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "linktrack-webhooks");
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &State::open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, state_.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &State::on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, state_.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &State::on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, state_.get());
  if (target_.ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, target_.ca_file->c_str());
  if (target_.cancel) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &State::on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(target_.cancel));
  }
}

Poster::~Poster() {
  if (state_ && state_->curl) curl_easy_cleanup(state_->curl);
}

Answer Poster::post(const std::vector<std::string>& headers, const std::string& body) {
  State& s = *state_;
  s.answer.clear();
  s.retry_after.reset();
  s.refused.reset();
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip for big batches
  curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(s.curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(s.curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  const CURLcode rc = curl_easy_perform(s.curl);
  curl_slist_free_all(list);
  curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, nullptr);
  Answer a;
  long status = 0;
  curl_easy_getinfo(s.curl, CURLINFO_RESPONSE_CODE, &status);
  // An answer whose body was cut at the limit (CURLE_WRITE_ERROR) is still an answer.
  if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && status > 0)) {
    a.status = status;
    if (s.retry_after) a.retry_after_s = parse_retry_after(*s.retry_after, std::time(nullptr));
    if (status < 200 || status >= 300) {
      std::string excerpt = s.answer.substr(0, 200);
      std::replace_if(
          excerpt.begin(), excerpt.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; },
          ' ');
      a.error = "HTTP " + std::to_string(status) + (excerpt.empty() ? "" : ": " + excerpt);
    }
    return a;
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    a.cancelled = true;
    a.transport = Failure::connect;
    a.error = "abandoned: the server is stopping";
  } else if (s.refused) {
    a.transport = Failure::refused_address;
    a.error = "refused to connect to " + *s.refused;
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    a.transport = Failure::timeout;
    a.error = "no answer within " + std::to_string(target_.timeout_ms) + " ms";
  } else if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
             rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM) {
    a.transport = Failure::tls;
    a.error = std::string("TLS: ") + curl_easy_strerror(rc);
  } else {
    a.transport = Failure::connect;
    a.error = curl_easy_strerror(rc);
  }
  return a;
}

}  // namespace linktrack::webhook
