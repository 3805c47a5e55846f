#include "doctor/probe.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <libpsl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>

#include "net/cidr.hpp"
#include "util/ascii_case.hpp"

namespace linktrack::doctor {
namespace {

// A DNS name as compared: lower case, without the root's trailing dot.
std::string dns_name(std::string s) {
  s = util::ascii_lower(std::move(s));
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

DnsAnswer resolve(const std::string& host, const ProbeOptions& options) {
  DnsAnswer answer;
  if (auto it = options.resolve.find(dns_name(host)); it != options.resolve.end()) {
    answer.addresses = {it->second};
    answer.overridden = true;
    return answer;
  }
  if (net::IpAddress::parse(host)) {
    answer.addresses = {host};
    return answer;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_CANONNAME;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    answer.error = gai_strerror(rc);
    return answer;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
  if (found->ai_canonname && dns_name(found->ai_canonname) != dns_name(host))
    answer.canonical = dns_name(found->ai_canonname);
  for (auto* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (!inet_ntop(a->ai_family, raw, text, sizeof text)) continue;
    if (std::find(answer.addresses.begin(), answer.addresses.end(), text) == answer.addresses.end())
      answer.addresses.emplace_back(text);
  }
  return answer;
}

// A TCP connection to address:port within the timeout, or -1 with `error` set.
int connect_to(const std::string& address, int port, std::int64_t timeout_ms, std::string& error) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof *v4;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof *v6;
  } else {
    error = "'" + address + "' is not an address";
    return -1;
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&storage), length);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = ::poll(&p, 1, static_cast<int>(timeout_ms));
    int so_error = 0;
    socklen_t n = sizeof so_error;
    if (rc == 1) getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &n);
    if (rc != 1 || so_error != 0) {
      error = rc == 1 ? std::strerror(so_error) : "timed out";
      ::close(fd);
      return -1;
    }
  } else if (rc != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  // The handshake runs blocking, bounded by these.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  timeval tv{static_cast<time_t>(timeout_ms / 1000),
             static_cast<suseconds_t>(timeout_ms % 1000 * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return "the connection closed during the handshake";
  char buffer[256];
  ERR_error_string_n(e, buffer, sizeof buffer);
  return buffer;
}

// A TLS handshake as a browser makes it (SNI, the name checked), completed even when the
// certificate is not trusted, so that what it is can be reported.
TlsAnswer handshake(const std::string& host, const std::string& address, int port,
                    const ProbeOptions& options) {
  TlsAnswer answer;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  const bool trust = options.ca_file ? SSL_CTX_load_verify_locations(
                                           ctx.get(), options.ca_file->c_str(), nullptr) == 1
                                     : SSL_CTX_set_default_verify_paths(ctx.get()) == 1;
  if (!trust) {
    answer.error = "cannot load the trust store: " + openssl_error();
    return answer;
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // judged after, not refused
  std::string error;
  const int fd = connect_to(address, port, options.timeout_ms, error);
  if (fd < 0) {
    answer.error = "cannot connect to " + address + ":" + std::to_string(port) + ": " + error;
    return answer;
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  SSL_set_fd(ssl.get(), fd);
  SSL_set_tlsext_host_name(ssl.get(), host.c_str());
  SSL_set1_host(ssl.get(), host.c_str());
  if (SSL_connect(ssl.get()) != 1) {
    answer.error = openssl_error();
    ::close(fd);
    return answer;
  }
  answer.protocol = SSL_get_version(ssl.get());
  const long verify = SSL_get_verify_result(ssl.get());
  answer.verified = verify == X509_V_OK;
  if (!answer.verified) answer.verify_error = X509_verify_cert_error_string(verify);
  if (auto* chain = SSL_get_peer_cert_chain(ssl.get())) answer.chain_length = sk_X509_num(chain);
  if (X509* peer = SSL_get1_peer_certificate(ssl.get())) {
    answer.certificate = net::certificate_info(peer);
    X509_free(peer);
  }
  SSL_shutdown(ssl.get());
  ::close(fd);
  return answer;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* a = static_cast<HttpAnswer*>(user);
  constexpr std::size_t kMax = 64 * 1024;
  const std::size_t room = kMax - std::min(kMax, a->body.size());
  a->body.append(data, std::min(room, size * n));
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* a = static_cast<HttpAnswer*>(user);
  std::string_view line(data, size * n);
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = util::ascii_lower(std::string(line.substr(0, colon)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    if (name == "location") a->location = value;
    if (name == "content-type") a->content_type = value;
    if (name == "strict-transport-security") a->strict_transport_security = value;
  }
  return size * n;
}

// GET `url` from `address` (what DNS or --resolve gave for its host), following no redirect.
HttpAnswer get(const std::string& url, const std::string& host, const std::string& address,
               int port, const ProbeOptions& options) {
  HttpAnswer answer;
  answer.url = url;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  const std::string pin = host + ":" + std::to_string(port) + ":" +
                          (address.find(':') != std::string::npos ? "[" + address + "]" : address);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(
      curl_slist_append(nullptr, pin.c_str()), curl_slist_free_all);
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "linktrack-doctor");
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &answer);
  if (options.ca_file) curl_easy_setopt(curl.get(), CURLOPT_CAINFO, options.ca_file->c_str());
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    answer.error = error[0] ? error : curl_easy_strerror(rc);
    return answer;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &answer.status);
  char* local = nullptr;
  if (curl_easy_getinfo(curl.get(), CURLINFO_LOCAL_IP, &local) == CURLE_OK && local)
    answer.local_ip = local;
  return answer;
}

}  // namespace

std::string registrable_domain(const std::string& host) {
  const psl_ctx_t* psl = psl_builtin();
  if (!psl) psl = psl_latest(nullptr);
  const char* r = psl ? psl_registrable_domain(psl, host.c_str()) : nullptr;
  if (!r || dns_name(r) == dns_name(host)) return "";
  return r;
}

DomainObservations observe(const config::Config& config, const config::Domain& domain,
                           const std::string& host, const ProbeOptions& options) {
  DomainObservations o;
  o.host = dns_name(host);
  o.domain = domain.host;
  o.https = domain.public_https();
  const std::string scheme = o.https ? "https" : "http";
  int port = o.https ? 443 : 80;
  if (!domain.public_port_suffix.empty()) port = std::stoi(domain.public_port_suffix.substr(1));
  o.origin = scheme + "://" + o.host + domain.public_port_suffix;
  o.trusted_proxies = config.trusted_proxies;
  o.now_s = static_cast<std::int64_t>(std::time(nullptr));
  o.tls_auto = domain.tls_auto;
  if (domain.tls_auto && config.acme) {
    // Read before any probe: the storage says why a handshake below may fail.
    o.acme = acme::certificate_row(acme::Storage(config.acme->storage), domain.host, true,
                                   config.acme->renew_before_seconds);
  }
  if (options.target) {
    o.target = dns_name(*options.target);
    o.target_addresses = resolve(o.target, options).addresses;
  }
  o.dns = resolve(o.host, options);
  if (o.dns.addresses.empty()) return o;
  const std::string address = o.dns.addresses.front();
  auto fetch = [&](const std::string& path) {
    return get(o.origin + path, o.host, address, port, options);
  };
  if (o.https) {
    o.tls = handshake(o.host, address, port, options);
    o.http_root = get("http://" + o.host + "/", o.host, address, 80, options);
  }
  o.registrable = registrable_domain(o.host);
  if (!o.registrable.empty()) {
    const auto reg = resolve(o.registrable, options);
    if (reg.addresses.empty()) {
      HttpAnswer none;
      none.url = "https://" + o.registrable + "/";
      none.error =
          o.registrable + " does not resolve" + (reg.error.empty() ? "" : ": " + reg.error);
      o.registrable_root = none;
    } else {
      o.registrable_root =
          get("https://" + o.registrable + "/", o.registrable, reg.addresses.front(), 443, options);
    }
  }
  if (domain.apple_app_site_association)
    o.apple_app_site_association = fetch("/.well-known/apple-app-site-association");
  if (domain.assetlinks) o.assetlinks = fetch("/.well-known/assetlinks.json");
  o.healthz = fetch("/healthz");
  o.viewer = fetch("/healthz?viewer");
  return o;
}

}  // namespace linktrack::doctor
