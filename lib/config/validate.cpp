#include "config/validate.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <sys/stat.h>
#include <unistd.h>

#include <boost/url/parse.hpp>

#include "net/destination.hpp"
#include "net/pem_check.hpp"
#include "util/ascii_case.hpp"
#include "util/base64.hpp"

namespace linktrack::config {
namespace {

namespace fs = std::filesystem;

class Validator {
 public:
  Validator(Config& c, Diagnostics& diag, Purpose purpose)
      : c_(c),
        diag_(diag),
        base_(fs::path(c.source_file).parent_path()),
        serving_(purpose == Purpose::serve) {}

  void run() {
    listen();
    keys();
    api();
    proxies();
    domains();
    webhooks();
    clickhouse();
    acme();
    node_id();
    if (c_.default_certificate) tls(*c_.default_certificate, "tls.default_certificate");
    if (c_.favicon) {
      *c_.favicon = resolve(*c_.favicon);
      if (serving_) read(*c_.favicon, "favicon", c_.favicon_body);
    }
    if (c_.store.path.empty())
      diag_.error("store.path", "must not be empty");
    else if (c_.store.path != ":memory:")
      c_.store.path = resolve(c_.store.path);
    static const std::vector<std::string> levels = {"trace", "debug",    "info", "warn",
                                                    "error", "critical", "off"};
    if (std::find(levels.begin(), levels.end(), c_.log.level) == levels.end())
      diag_.error("log.level", "expected one of trace, debug, info, warn, error, critical, off");
    if (c_.ui.session_idle_seconds < 60)
      diag_.error("ui.session_idle", "must be at least a minute");
  }

 private:
  std::string resolve(const std::string& p) const {
    if (p.empty() || fs::path(p).is_absolute()) return p;
    return (base_ / p).lexically_normal().string();
  }

  bool read(const std::string& path, const std::string& key, std::string& into) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      diag_.error(key, "cannot read file " + path);
      return false;
    }
    // Secrets, icons and deep-link files are small: a bound keeps a mistyped path (a device,
    // a log file) from filling memory.
    constexpr std::size_t kMaxFileBytes = 1 << 20;
    into.resize(kMaxFileBytes + 1);
    in.read(into.data(), static_cast<std::streamsize>(into.size()));
    into.resize(static_cast<std::size_t>(in.gcount()));
    if (into.size() > kMaxFileBytes) {
      diag_.error(key, path + " is larger than 1 MiB");
      return false;
    }
    return true;
  }

  void addresses(const std::vector<std::string>& texts, const std::string& key,
                 std::vector<net::ListenAddress>& out) {
    for (std::size_t i = 0; i < texts.size(); ++i) {
      std::string error;
      if (auto a = net::parse_listen_address(texts[i], error))
        out.push_back(*a);
      else
        diag_.error(diag_.item_key(key, i), "bad listen address '" + texts[i] + "': " + error);
    }
  }

  void listen() {
    addresses(c_.listen.https, "listen.https", c_.listen.https_addresses);
    addresses(c_.listen.http, "listen.http", c_.listen.http_addresses);
    if (c_.listen.admin) {
      std::string error;
      if (auto a = net::parse_listen_address(*c_.listen.admin, error))
        c_.listen.admin_address = a;
      else
        diag_.error("listen.admin", "bad listen address '" + *c_.listen.admin + "': " + error);
    }
    if (c_.listen.admin_tls) {
      if (!c_.listen.admin) diag_.error("listen.admin_tls", "set listen.admin too");
      tls(*c_.listen.admin_tls, "listen.admin_tls");
    }
    const auto& admin = c_.listen.admin_address;
    const bool loopback = admin && (admin->host == "localhost" || admin->host == "::1" ||
                                    admin->host.starts_with("127."));
    if (admin && !loopback && !c_.listen.admin_tls && !c_.api.keys.empty())
      diag_.warning("listen.admin", admin->to_string() +
                                        " is reachable from other machines without TLS: API keys "
                                        "would cross the network in clear (set listen.admin_tls)");
    if (serving_ && c_.listen.https.empty() && c_.listen.http.empty())
      diag_.error("listen", "at least one https or http address is needed to serve");
    shared_ports();
  }

  // Two listeners on one port would each get a share of the other's connections.
  void shared_ports() {
    std::vector<std::pair<const net::ListenAddress*, std::string>> all;
    for (std::size_t i = 0; i < c_.listen.https_addresses.size(); ++i)
      all.emplace_back(&c_.listen.https_addresses[i], diag_.item_key("listen.https", i));
    for (std::size_t i = 0; i < c_.listen.http_addresses.size(); ++i)
      all.emplace_back(&c_.listen.http_addresses[i], diag_.item_key("listen.http", i));
    if (c_.listen.admin_address) all.emplace_back(&*c_.listen.admin_address, "listen.admin");
    auto wildcard = [](const std::string& h) { return h == "0.0.0.0" || h == "::"; };
    auto v6 = [](const std::string& h) { return h.find(':') != std::string::npos; };
    for (std::size_t i = 0; i < all.size(); ++i)
      for (std::size_t j = 0; j < i; ++j) {
        const auto& a = *all[i].first;
        const auto& b = *all[j].first;
        const bool overlap = a.host == b.host ||
                             (v6(a.host) == v6(b.host) && (wildcard(a.host) || wildcard(b.host)));
        if (a.port == b.port && overlap)
          diag_.error(all[i].second, a.to_string() + " is also " + all[j].second + " (" +
                                         b.to_string() + "): each listener needs its own port");
      }
  }

  // Secrets and private keys should be readable by the service alone.
  void private_file(const std::string& path, const std::string& key) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH))
      diag_.warning(key,
                    path + " is readable by every user of this machine (chmod o-r " + path + ")");
  }

  void keys() {
    if (c_.keys.empty()) diag_.error("keys", "at least one token key is needed");
    std::map<std::uint32_t, std::size_t> seen;
    for (std::size_t i = 0; i < c_.keys.size(); ++i) {
      auto& k = c_.keys[i];
      const std::string path = key_item("keys", k.source_index);
      if (auto [it, fresh] = seen.emplace(k.id, k.source_index); !fresh)
        diag_.error(key_child(path, "id"), "duplicate key id " + std::to_string(k.id) +
                                               " (also keys[" + std::to_string(it->second) + "])");
      int sources = !!k.secret_inline + !!k.secret_file + !!k.secret_env;
      if (sources != 1) {
        diag_.error(path, "exactly one of secret, secret_file or secret_env is needed");
        continue;
      }
      std::string text, key;
      if (!secret_text(path, k.secret_inline, k.secret_file, k.secret_env, text, key)) continue;
      auto bytes = util::base64_decode(text);
      if (!bytes)
        diag_.error(key,
                    "the secret is not valid base64 (make one with 'linktrack keys generate')");
      else if (bytes->size() != 32)
        diag_.error(key, "the secret must be 32 bytes, base64-encoded; it is " +
                             std::to_string(bytes->size()) + " bytes");
      else
        k.secret = std::move(*bytes);
    }
  }

  // The secret from whichever of secret, secret_file or secret_env is set (exactly one is),
  // and the key that named it. False, after saying why, when it cannot be read.
  bool secret_text(const std::string& path, const std::optional<std::string>& inline_text,
                   std::optional<std::string>& file, const std::optional<std::string>& env,
                   std::string& text, std::string& key, const std::string& name = "secret") {
    if (inline_text) {
      text = *inline_text;
      key = key_child(path, name);
      return true;
    }
    if (file) {
      key = key_child(path, name + "_file");
      *file = resolve(*file);
      if (!read(*file, key, text)) return false;
      private_file(*file, key);
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      return true;
    }
    key = key_child(path, name + "_env");
    const char* v = std::getenv(env->c_str());
    if (!v) {
      diag_.error(key, "environment variable " + *env + " is not set");
      return false;
    }
    text = v;
    return true;
  }

  void api() {
    std::map<std::string, std::size_t> seen;
    for (auto& k : c_.api.keys) {
      const std::string path = key_item("api.keys", k.source_index);
      if (k.id.empty()) diag_.error(key_child(path, "id"), "must not be empty");
      if (auto [it, fresh] = seen.emplace(k.id, k.source_index); !fresh)
        diag_.error(key_child(path, "id"), "duplicate API key id '" + k.id + "' (also api.keys[" +
                                               std::to_string(it->second) + "])");
      for (std::size_t i = 0; i < k.scopes.size(); ++i) {
        const auto& s = k.scopes[i];
        if (s == "mint")
          k.scope_bits |= static_cast<unsigned>(ApiScope::mint);
        else if (s == "read")
          k.scope_bits |= static_cast<unsigned>(ApiScope::read);
        else if (s == "admin")  // admin implies the others
          k.scope_bits |= static_cast<unsigned>(ApiScope::admin) |
                          static_cast<unsigned>(ApiScope::mint) |
                          static_cast<unsigned>(ApiScope::read);
        else
          diag_.error(diag_.item_key(key_child(path, "scopes"), i),
                      "unknown scope '" + s + "': expected mint, read or admin");
      }
      if (k.scopes.empty()) diag_.error(key_child(path, "scopes"), "name at least one scope");
      const int sources = !!k.secret_inline + !!k.secret_file + !!k.secret_env + !!k.secret_sha256;
      if (sources != 1) {
        diag_.error(path,
                    "exactly one of secret, secret_file, secret_env or secret_sha256 is needed");
        continue;
      }
      if (k.secret_sha256) {
        const auto& hex = *k.secret_sha256;
        auto nibble = [](char ch) {
          return ch >= '0' && ch <= '9'   ? ch - '0'
                 : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                          : -1;
        };
        if (hex.size() != 64 ||
            !std::all_of(hex.begin(), hex.end(), [&](char ch) { return nibble(ch) >= 0; })) {
          diag_.error(key_child(path, "secret_sha256"),
                      "expected 64 hex digits, the SHA-256 of the secret (linktrack keys generate "
                      "--api prints it)");
          continue;
        }
        for (std::size_t i = 0; i < 64; i += 2)
          k.secret_digest += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
        continue;
      }
      if (!serving_) continue;  // only the server checks callers' keys: tools need no secret
      std::string text, key;
      if (!secret_text(path, k.secret_inline, k.secret_file, k.secret_env, text, key)) continue;
      // Bearer tokens are guessed offline only from their digest, online never quickly; 16
      // characters still rules out a password someone typed.
      if (text.size() < 16)
        diag_.error(key,
                    "an API secret needs at least 16 characters (make one with 'linktrack "
                    "keys generate --api')");
      else
        k.secret = std::move(text);
    }
  }

  // Standard Webhooks secrets: "whsec_" and the base64 of 24 to 64 random bytes; the key is
  // those bytes. Several (white space between) sign each request once each, for rotation.
  void webhook_keys(Webhook& w, const std::string& path) {
    const int sources =
        !!w.secret_inline + !w.secrets_inline.empty() + !!w.secret_file + !!w.secret_env;
    if (sources != 1) {
      diag_.error(path, "exactly one of secret, secrets, secret_file or secret_env is needed");
      return;
    }
    if (!serving_) return;  // only the server signs: tools need no secret
    std::vector<std::pair<std::string, std::string>> texts;  // secret, the key that named it
    if (!w.secrets_inline.empty()) {
      for (std::size_t i = 0; i < w.secrets_inline.size(); ++i)
        texts.emplace_back(w.secrets_inline[i], diag_.item_key(key_child(path, "secrets"), i));
    } else {
      std::string text, key;
      if (!secret_text(path, w.secret_inline, w.secret_file, w.secret_env, text, key)) return;
      std::size_t at = 0;
      while ((at = text.find_first_not_of(" \t\r\n", at)) != std::string::npos) {
        const auto end = std::min(text.find_first_of(" \t\r\n", at), text.size());
        texts.emplace_back(text.substr(at, end - at), key);
        at = end;
      }
      if (texts.empty()) diag_.error(key, "no secret in it");
    }
    for (const auto& [text, key] : texts) {
      std::optional<std::string> bytes;
      if (text.starts_with("whsec_")) bytes = util::base64_decode(std::string_view(text).substr(6));
      if (!bytes || bytes->size() < 24 || bytes->size() > 64)
        diag_.error(key,
                    "expected whsec_ and the base64 of 24 to 64 random bytes (make one with "
                    "'linktrack keys generate --webhook')");
      else
        w.keys.push_back(std::move(*bytes));
    }
  }

  void webhooks() {
    std::map<std::string, std::size_t> seen;
    std::map<std::string, std::string> canonical;  // every host and alias -> its domain's host
    for (const auto& d : c_.domains) {
      canonical[d.host] = d.host;
      for (const auto& a : d.aliases) canonical[a] = d.host;
    }
    for (auto& w : c_.webhooks) {
      const std::string path = key_item("webhooks", w.source_index);
      // The id names the endpoint's cursor in the log and its metrics: a plain word.
      const bool plain =
          !w.id.empty() && w.id.size() <= 64 && std::all_of(w.id.begin(), w.id.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
                   ch == '.';
          });
      if (!plain)
        diag_.error(key_child(path, "id"),
                    "expected 1 to 64 letters, digits, '-', '_' or '.' (it names the endpoint's "
                    "cursor in the click log)");
      if (auto [it, fresh] = seen.emplace(w.id, w.source_index); !fresh)
        diag_.error(key_child(path, "id"), "duplicate webhook id '" + w.id + "' (also webhooks[" +
                                               std::to_string(it->second) + "])");
      auto url = boost::urls::parse_absolute_uri(w.url);
      if (!url || (url->scheme() != "http" && url->scheme() != "https") ||
          url->encoded_host().empty() || url->has_userinfo() || url->has_fragment())
        diag_.error(key_child(path, "url"),
                    "expected an http:// or https:// URL with a host, without user:password@ or "
                    "#fragment");
      else if (url->scheme() == "http" && !w.allow_private)
        diag_.warning(key_child(path, "url"),
                      "events (recipients, client addresses) would cross the network unencrypted: "
                      "use https");
      webhook_keys(w, path);
      w.event_bits = 0;
      for (std::size_t i = 0; i < w.events.size(); ++i) {
        unsigned bit = 0;
#define LINKTRACK_WEBHOOK_EVENT_BIT(name, value) \
  if (w.events[i] == #name) bit = static_cast<unsigned>(WebhookEvent::name);
        LINKTRACK_WEBHOOK_EVENTS(LINKTRACK_WEBHOOK_EVENT_BIT)
#undef LINKTRACK_WEBHOOK_EVENT_BIT
        if (!bit)
          diag_.error(diag_.item_key(key_child(path, "events"), i),
                      "unknown event '" + w.events[i] + "': expected click, open, app or verdict");
        w.event_bits |= bit;
      }
      if (w.events.empty()) diag_.error(key_child(path, "events"), "name at least one event");
      w.hosts.clear();
      for (std::size_t i = 0; i < w.domains.size(); ++i) {
        std::string h = w.domains[i];
        std::transform(h.begin(), h.end(), h.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
        auto it = canonical.find(h);
        if (it == canonical.end())
          diag_.error(diag_.item_key(key_child(path, "domains"), i),
                      "'" + w.domains[i] + "' is not a configured domain");
        else if (std::find(w.hosts.begin(), w.hosts.end(), it->second) == w.hosts.end())
          w.hosts.push_back(it->second);
      }
      if (w.max_age_seconds < 60)
        diag_.error(key_child(path, "max_age"), "must be at least a minute");
      if (w.ca_file) {
        *w.ca_file = resolve(*w.ca_file);
        if (serving_ && ::access(w.ca_file->c_str(), R_OK) != 0)
          diag_.error(key_child(path, "ca_file"), "cannot read file " + *w.ca_file);
      }
    }
  }

  void clickhouse() {
    if (!c_.analytics.clickhouse) return;
    auto& ch = *c_.analytics.clickhouse;
    const std::string path = "analytics.clickhouse";
    auto url = boost::urls::parse_absolute_uri(ch.url);
    if (!url || (url->scheme() != "http" && url->scheme() != "https") ||
        url->encoded_host().empty() || url->has_userinfo() || url->has_query() ||
        url->has_fragment())
      diag_.error(key_child(path, "url"),
                  "expected ClickHouse's HTTP interface as http(s)://HOST:PORT, without "
                  "user:password@ (use user and password), ?query or #fragment");
    // The database is written into statements: a plain name.
    const auto plain_name = [](const std::string& n) {
      return !n.empty() && n.size() <= 64 && !std::isdigit(static_cast<unsigned char>(n[0])) &&
             std::all_of(n.begin(), n.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
             });
    };
    if (!plain_name(ch.database))
      diag_.error(key_child(path, "database"),
                  "expected 1 to 64 letters, digits or '_', not starting with a digit");
    if (ch.user.empty()) diag_.error(key_child(path, "user"), "must not be empty");
    const int sources = !!ch.password_inline + !!ch.password_file + !!ch.password_env;
    if (sources > 1) {
      diag_.error(path, "at most one of password, password_file or password_env");
    } else if (sources == 1) {
      std::string key;
      secret_text(path, ch.password_inline, ch.password_file, ch.password_env, ch.password, key,
                  "password");
    }
    if (ch.ca_file) {
      *ch.ca_file = resolve(*ch.ca_file);
      if (serving_ && ::access(ch.ca_file->c_str(), R_OK) != 0)
        diag_.error(key_child(path, "ca_file"), "cannot read file " + *ch.ca_file);
    }
  }

  void acme() {
    const bool any_auto =
        std::any_of(c_.domains.begin(), c_.domains.end(), [](const auto& d) { return d.tls_auto; });
    if (!c_.acme) {
      for (const auto& d : c_.domains)
        if (d.tls_auto)
          diag_.error(key_child(key_item("domains", d.source_index), "tls"),
                      "tls: auto needs an acme section (directory, email, storage)");
      return;
    }
    auto& a = *c_.acme;
    auto url = boost::urls::parse_absolute_uri(a.directory);
    if (!url || url->scheme_id() != boost::urls::scheme::https || url->encoded_host().empty())
      diag_.error("acme.directory",
                  "expected the CA's directory as an https URL, e.g. "
                  "https://acme-v02.api.letsencrypt.org/directory");
    if (a.storage.empty())
      diag_.error("acme.storage", "must not be empty");
    else
      a.storage = resolve(a.storage);
    if (a.ca_file) {
      *a.ca_file = resolve(*a.ca_file);
      if (serving_ && ::access(a.ca_file->c_str(), R_OK) != 0)
        diag_.error("acme.ca_file", "cannot read file " + *a.ca_file);
    }
    if (a.renew_before_seconds < 0) diag_.error("acme.renew_before", "must not be negative");
    bool answerable = false;
    for (std::size_t i = 0; i < a.challenges.size(); ++i) {
      const auto& type = a.challenges[i];
      if (type == "http-01")
        answerable |= !c_.listen.http.empty();
      else if (type == "tls-alpn-01")
        answerable |= !c_.listen.https.empty();
      else
        diag_.error(diag_.item_key("acme.challenges", i),
                    "'" + type + "' is not a challenge linktrack answers (http-01, tls-alpn-01)");
    }
    if (serving_ && !answerable && (any_auto || a.on_demand))
      diag_.error("acme.challenges",
                  "no challenge can be answered: http-01 needs listen.http (port 80 as the CA "
                  "sees it), tls-alpn-01 needs listen.https (port 443)");
    if (!a.on_demand) return;
    auto& od = *a.on_demand;
    od.domain = util::ascii_lower(od.domain);
    if (std::none_of(c_.domains.begin(), c_.domains.end(),
                     [&](const auto& d) { return d.host == od.domain; }))
      diag_.error("acme.on_demand.domain",
                  "'" + od.domain + "' is not the host of a domain in domains: the names given "
                  "certificates on demand are served as that domain (its keys, cookies, fallback)");
    for (std::size_t i = 0; i < od.allow.size(); ++i) {
      auto& p = od.allow[i];
      p = util::ascii_lower(p);
      const std::string rest = p.starts_with("*.") ? p.substr(2) : p;
      if (!valid_host(rest) || rest.find('.') == std::string::npos || rest.find('*') != std::string::npos)
        diag_.error(diag_.item_key("acme.on_demand.allow", i),
                    "'" + p + "' is not a host name or *.domain pattern");
    }
    if (od.ask) {
      auto ask = boost::urls::parse_absolute_uri(*od.ask);
      if (!ask ||
          (ask->scheme_id() != boost::urls::scheme::http &&
           ask->scheme_id() != boost::urls::scheme::https) ||
          ask->encoded_host().empty() || ask->has_fragment())
        diag_.error("acme.on_demand.ask", "expected an http(s) URL, asked ?domain=NAME");
    }
    if (od.allow.empty() && !od.ask)
      diag_.error("acme.on_demand", "needs allow (host patterns), ask (a URL), or both");
    if (serving_ && c_.listen.https.empty())
      diag_.error("acme.on_demand", "needs listen.https: names arrive in TLS handshakes");
  }

  void node_id() {
    if (!c_.node_id) return;
    const auto& n = *c_.node_id;
    const bool plain = !n.empty() && n.size() <= 32 &&
                       std::isalnum(static_cast<unsigned char>(n[0])) &&
                       std::all_of(n.begin(), n.end(), [](char ch) {
                         return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
                       });
    if (!plain)
      diag_.error("node_id",
                  "expected 1 to 32 lower-case letters, digits or '-', starting with a letter or "
                  "digit (it begins every event id: NODE:LOCAL)");
  }

  void proxies() {
    for (std::size_t i = 0; i < c_.trusted_proxies.size(); ++i) {
      const auto& text = c_.trusted_proxies[i];
      if (auto r = net::Cidr::parse(text))
        c_.trusted_proxy_ranges.push_back(*r);
      else
        diag_.error(diag_.item_key("proxies.trusted", i),
                    "'" + text + "' is not an address or CIDR range (e.g. 10.0.0.0/8, ::1/128)");
    }
  }

  void tls(TlsFiles& t, const std::string& path) {
    t.cert = resolve(t.cert);
    t.key = resolve(t.key);
    if (t.cert.empty() || t.key.empty()) return;  // reported as missing already
    if (!serving_) return;                        // only serving reads them
    private_file(t.key, key_child(path, "key"));
    if (auto problem = net::certificate_pair_problem(t.cert, t.key)) {
      bool key_side = problem->find("key file") != std::string::npos ||
                      problem->find("private key") != std::string::npos ||
                      problem->find("does not belong") != std::string::npos;
      diag_.error(key_child(path, key_side ? "key" : "cert"), *problem);
    }
  }

  static bool valid_host(const std::string& h) {
    if (h.empty() || h.size() > 253 || h.front() == '.' || h.back() == '.') return false;
    return std::all_of(h.begin(), h.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
    });
  }

  static bool cookie_token(const std::string& s) {
    static const std::string separators = "()<>@,;:\\\"/[]?={} \t";
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
      return ch > 0x20 && ch < 0x7f && separators.find(ch) == std::string::npos;
    });
  }

  static bool domain_matches(const std::string& host, const std::string& cookie_domain) {
    return host == cookie_domain ||
           (host.size() > cookie_domain.size() && host.ends_with("." + cookie_domain));
  }

  void json_file(std::optional<std::string>& path, const std::string& key, std::string& body) {
    if (!path) return;
    *path = resolve(*path);
    if (!serving_ || !read(*path, key, body)) return;
    try {
      [[maybe_unused]] auto parsed = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
      diag_.error(
          key, "invalid JSON in " + *path + " at byte " + std::to_string(e.byte) + ": " + e.what());
    }
  }

  void domains() {
    if (c_.domains.empty()) diag_.error("domains", "at least one domain is needed");
    std::map<std::string, std::string> hosts;  // host -> key that claimed it
    auto claim = [&](std::string& h, const std::string& key) {
      std::transform(h.begin(), h.end(), h.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
      if (!valid_host(h)) {
        diag_.error(key, "'" + h + "' is not a host name");
        return;
      }
      if (auto [it, fresh] = hosts.emplace(h, key); !fresh)
        diag_.error(key, "duplicate host " + h + " (also " + it->second + ")");
    };
    for (std::size_t i = 0; i < c_.domains.size(); ++i) {
      auto& d = c_.domains[i];
      const std::string path = key_item("domains", d.source_index);
      if (!d.host.empty()) claim(d.host, key_child(path, "host"));
      for (std::size_t a = 0; a < d.aliases.size(); ++a)
        claim(d.aliases[a], diag_.item_key(key_child(path, "aliases"), a));
      if (d.tls) tls(*d.tls, key_child(path, "tls"));
      if (!d.fallback_url.empty()) {
        if (auto problem = net::destination_problem(d.fallback_url))
          diag_.error(key_child(path, "fallback_url"), *problem);
      }
      const std::string cp = key_child(path, "cookies");
      if (!d.cookies.domain.empty()) {
        auto& cd = d.cookies.domain;
        if (cd.front() == '.') cd.erase(0, 1);  // a leading dot is legacy syntax, same meaning
        std::transform(cd.begin(), cd.end(), cd.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
        std::vector<std::string> all_hosts = d.aliases;
        all_hosts.insert(all_hosts.begin(), d.host);
        for (const auto& h : all_hosts) {
          if (!h.empty() && !domain_matches(h, cd))
            diag_.error(key_child(cp, "domain"), "browsers would refuse cookies for " + cd +
                                                     " set by " + h + " (it must be " + h +
                                                     " or a parent domain of it)");
        }
      }
      const auto& n = d.cookies.names;
      for (const auto& [name, key] :
           {std::pair{n.campaign, "campaign"}, std::pair{n.template_id, "template"},
            std::pair{n.message, "message"}, std::pair{n.recipient, "recipient"}}) {
        if (!name.empty() && !cookie_token(name))
          diag_.error(key_child(key_child(cp, "names"), key),
                      "'" + name + "' is not a valid cookie name");
      }
      for (const auto& [name, value] : d.append_query) {
        if (name.empty()) diag_.error(key_child(path, "append_query"), "a parameter name is empty");
      }
      public_url(d, key_child(path, "public_url"));
      json_file(d.apple_app_site_association, key_child(path, "apple_app_site_association"),
                d.apple_app_site_association_body);
      json_file(d.assetlinks, key_child(path, "assetlinks"), d.assetlinks_body);
    }
  }

  // Fills the domain's public_url_* fields: one of the domain's own names, as a browser would
  // reach it; no path.
  void public_url(Domain& d, const std::string& key) {
    if (d.public_url.empty()) return;
    auto url = boost::urls::parse_absolute_uri(d.public_url);
    auto refuse = [&](const std::string& why) {
      diag_.error(key, "'" + d.public_url + "' " + why +
                           " (expected the scheme and name viewers use, e.g. "
                           "https://" +
                           (d.host.empty() ? "links.example.com" : d.host) + ")");
    };
    if (!url ||
        (url->scheme_id() != boost::urls::scheme::http &&
         url->scheme_id() != boost::urls::scheme::https) ||
        url->host_type() != boost::urls::host_type::name)
      return refuse("is not an http(s) URL with a host name");
    if (url->has_userinfo() || url->has_query() || url->has_fragment() ||
        (url->encoded_path() != "" && url->encoded_path() != "/"))
      return refuse("must not have a path, query, fragment or user");
    const std::string host = util::ascii_lower(url->host());
    if (host != d.host && std::find(d.aliases.begin(), d.aliases.end(), host) == d.aliases.end())
      return refuse("names a host that is not this domain's host or one of its aliases");
    if (url->has_port() && url->port_number() == 0) return refuse("has no valid port");
    d.public_url_https = url->scheme_id() == boost::urls::scheme::https;
    d.public_url_host = host;
    if (url->has_port() && url->port_number() != (*d.public_url_https ? 443 : 80))
      d.public_port_suffix = ":" + std::to_string(url->port_number());
  }

  Config& c_;
  Diagnostics& diag_;
  fs::path base_;
  bool serving_;
};

}  // namespace

void validate(Config& c, Diagnostics& diag, Purpose purpose) {
  Validator(c, diag, purpose).run();
}

}  // namespace linktrack::config
