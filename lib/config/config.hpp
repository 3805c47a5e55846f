// The configuration model: plain structs, filled by a loader (config/yaml_loader) and resolved
// and checked by config/validate. Nothing here knows YAML.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/cidr.hpp"
#include "net/listen_address.hpp"

namespace linktrack::config {

struct TlsFiles {
  std::string cert;  // PEM certificate chain, resolved path
  std::string key;   // PEM private key, resolved path
  bool operator==(const TlsFiles&) const = default;
};

struct TokenKey {
  std::size_t source_index = 0;  // its position in the file's list, for error messages
  std::uint32_t id = 0;
  // Where the secret comes from: exactly one of these is set in the file.
  std::optional<std::string> secret_inline;
  std::optional<std::string> secret_file;
  std::optional<std::string> secret_env;
  std::string secret;  // resolved: 32 raw bytes; never logged
};

struct CookieNames {
  std::string campaign;
  std::string template_id;
  std::string message;
  std::string recipient;
};

struct Cookies {
  std::string domain;  // empty: host-only cookies
  std::int64_t max_age_seconds = 30 * 86400;
  CookieNames names;
};

struct Hsts {
  std::int64_t max_age_seconds = 0;
  bool include_subdomains = false;
};

struct Domain {
  std::size_t source_index = 0;  // its position in the file's list, for error messages
  std::string host;              // lower case
  std::vector<std::string> aliases;
  std::optional<TlsFiles> tls;
  bool tls_auto = false;     // `tls: auto`: the certificate comes from ACME (`acme:`)
  std::string fallback_url;  // empty: none
  Cookies cookies;
  std::vector<std::pair<std::string, std::string>> append_query;  // in file order
  std::optional<std::string> apple_app_site_association;          // path
  std::optional<std::string> assetlinks;                          // path
  std::optional<Hsts> hsts;
  // How viewers reach the domain ("https://links.example.com", a port if not the scheme's
  // own): behind a CDN or proxy, not what linktrack itself listens on. Empty: https://HOST, or
  // http://HOST for a domain without tls.
  std::string public_url;
  // Resolved by validation: the deep-link files' bytes, served as they are.
  std::string apple_app_site_association_body;
  std::string assetlinks_body;
  // Resolved by validation from public_url; unset without one.
  std::optional<bool> public_url_https;
  std::string public_url_host;     // lower case
  std::string public_port_suffix;  // ":8443", or empty for the scheme's default port
  // Whether linktrack serves it over https: certificate files, or one from ACME.
  bool has_tls() const { return tls.has_value() || tls_auto; }
  // Whether viewers use https: plain http gets 308 and cookies are Secure.
  bool public_https() const { return public_url_https ? *public_url_https : has_tls(); }
  // The name minted links and the 308 use.
  const std::string& public_host() const {
    return public_url_host.empty() ? host : public_url_host;
  }
  // "https://links.example.com:8443": what minted links and the 308 start with.
  std::string public_origin() const {
    return (public_https() ? "https://" : "http://") + public_host() + public_port_suffix;
  }
};

struct Listen {
  std::vector<std::string> https;
  std::vector<std::string> http;
  std::optional<std::string> admin;
  std::optional<TlsFiles> admin_tls;  // the admin listener over HTTPS, with this certificate
  // Resolved by validation.
  std::vector<net::ListenAddress> https_addresses;
  std::vector<net::ListenAddress> http_addresses;
  std::optional<net::ListenAddress> admin_address;
};

enum class Durability { batch, sync };

struct Store {
  std::string path = "data/clicks.db";
  std::int64_t batch_max = 4096;
  std::int64_t batch_interval_ms = 50;
  std::int64_t queue_capacity = 65536;
  Durability durability = Durability::batch;
  std::int64_t busy_timeout_ms = 5000;  // wait for another connection's lock (stats, forget)
  std::int64_t sync_timeout_ms = 1000;  // sync mode: answer after this even if not yet committed
};

enum class IpPrivacy { full, truncate, none };

struct Privacy {
  IpPrivacy ip = IpPrivacy::full;
  bool user_agent = true;
  std::int64_t retention_days = 0;  // 0: keep forever
};

struct Limits {
  std::int64_t header_bytes = 8192;
  std::int64_t body_bytes = 8192;
  std::int64_t handshake_timeout_ms = 10000;
  std::int64_t header_timeout_ms = 10000;
  std::int64_t idle_timeout_ms = 10000;
  std::int64_t max_connections = 20000;
  std::int64_t connections_per_client = 512;
};

// What an API key may do, as bits. admin implies the others; none is what an endpoint open to
// everyone needs.
enum class ApiScope : unsigned { none = 0, mint = 1, read = 2, admin = 4 };

struct ApiKey {
  std::size_t source_index = 0;
  std::string id;
  // Where the secret comes from: exactly one of these is set in the file.
  std::optional<std::string> secret_inline;
  std::optional<std::string> secret_file;
  std::optional<std::string> secret_env;
  std::optional<std::string> secret_sha256;  // hex of SHA-256 of the secret string
  std::vector<std::string> scopes;
  // Resolved by validation: never logged.
  std::string secret;         // the secret string, unless only its digest was given
  std::string secret_digest;  // 32 bytes: the secret's SHA-256 when given as secret_sha256
  unsigned scope_bits = 0;    // ApiScope bits, admin expanded
};

struct Api {
  std::vector<ApiKey> keys;
  std::int64_t body_bytes = 16 << 20;
};

// The dashboard (`/ui` on the admin listener), signed in with a key of scope read.
struct Ui {
  bool enabled = true;
  std::int64_t session_idle_seconds = 12 * 3600;  // a session ends after this long unused
};

// The kinds of event a webhook can take, as bits; the names are its `events` words.
#define LINKTRACK_WEBHOOK_EVENTS(X) X(click, 1) X(open, 2) X(app, 4) X(verdict, 8)
#define LINKTRACK_WEBHOOK_EVENT_VALUE(name, bit) name = bit,
enum class WebhookEvent : unsigned { LINKTRACK_WEBHOOK_EVENTS(LINKTRACK_WEBHOOK_EVENT_VALUE) };
#undef LINKTRACK_WEBHOOK_EVENT_VALUE

// One webhook endpoint (`webhooks:`), delivered by the Standard Webhooks wire format.
struct Webhook {
  std::size_t source_index = 0;
  std::string id;
  std::string url;
  // Where the secrets come from: exactly one of these is set in the file. A file or variable
  // may hold several, separated by white space (rotation).
  std::optional<std::string> secret_inline;
  std::vector<std::string> secrets_inline;
  std::optional<std::string> secret_file;
  std::optional<std::string> secret_env;
  std::vector<std::string> events = {"click", "open", "app", "verdict"};
  std::vector<std::string> domains;    // empty: every domain
  std::vector<std::string> campaigns;  // empty: every campaign
  std::int64_t batch_max = 500;
  std::int64_t batch_interval_ms = 1000;  // a batch goes when full or its first event is this old
  std::int64_t timeout_ms = 10000;
  std::int64_t max_age_seconds = 72 * 3600;  // retried until then; a dead letter after
  bool allow_private = false;                // loopback, link-local and private addresses
  std::optional<std::string> ca_file;        // trust for https instead of the system store
  // Resolved by validation.
  std::vector<std::string> keys;   // each secret's key bytes (after whsec_); never logged
  unsigned event_bits = 0;         // LINKTRACK_WEBHOOK_EVENTS bits
  std::vector<std::string> hosts;  // the named domains' hosts and aliases
  bool takes(WebhookEvent e) const { return (event_bits & static_cast<unsigned>(e)) != 0; }
  bool operator==(const Webhook&) const = default;
};

// The analytics store every node ships its events to and reads from (`analytics.clickhouse`).
struct ClickHouse {
  std::string url;  // the HTTP interface, e.g. http://127.0.0.1:8123
  std::string database = "linktrack";
  std::string user = "default";
  // The password, from at most one of these (none: no password).
  std::optional<std::string> password_inline;
  std::optional<std::string> password_file;
  std::optional<std::string> password_env;
  std::int64_t batch_max = 50000;         // events an INSERT
  std::int64_t batch_interval_ms = 1000;  // a batch goes when full or its first event is this old
  std::int64_t timeout_ms = 30000;        // an INSERT or a query
  std::int64_t keep_local_days = 0;       // shipped events kept in the spool; 0: retention_days
  std::optional<std::string> ca_file;     // trust for https instead of the system store
  // Resolved by validation: never logged.
  std::string password;
  bool operator==(const ClickHouse&) const = default;
};

struct Analytics {
  std::optional<ClickHouse> clickhouse;
};

// Certificates issued at the first handshake for names not in the file (`acme.on_demand`).
struct OnDemand {
  std::string domain;  // the configured domain whose settings and tokens serve those names
  std::vector<std::string> allow;   // "links.example.com" or "*.example.com"
  std::optional<std::string> ask;   // a URL asked ?domain=NAME: a 2xx answer approves
  std::int64_t rate = 10;           // certificates issued a minute at most
  std::int64_t wait_ms = 20000;     // how long a first handshake waits for its certificate
  bool operator==(const OnDemand&) const = default;
};

// Certificates from an ACME CA (RFC 8555) for `tls: auto` domains and on-demand names.
struct Acme {
  std::string directory;                // the CA's directory URL
  std::string email;                    // the account's contact; may be empty
  std::string storage = "acme";         // account, certificates, locks; resolved path
  std::optional<std::string> ca_file;   // trust for the directory instead of the system store
  std::int64_t renew_before_seconds = 0;  // 0: a third of each certificate's lifetime
  std::vector<std::string> challenges = {"http-01", "tls-alpn-01"};  // preferred first
  std::optional<OnDemand> on_demand;
  bool operator==(const Acme&) const = default;
};

struct Log {
  std::string level = "info";
  bool access_log = false;
};

// Bot rules (config/bots.yaml, built in): see README "Click verdicts".
enum class EventScope { any, click, open };  // the events a rule applies to

struct UserAgentRule {
  std::size_t source_index = 0;
  std::string name;
  std::vector<std::string> contains;  // lower-cased by validation
  std::vector<std::string> equals;    // the whole header, lower-cased
  std::int64_t points = 6;
  EventScope only = EventScope::any;
};

struct NetworkRule {
  std::size_t source_index = 0;
  std::string name;
  std::vector<std::string> cidrs;
  std::optional<std::string> file;  // one range a line; resolved path
  std::int64_t points = 4;
  EventScope only = EventScope::any;
  std::vector<net::Cidr> ranges;  // resolved: cidrs and the file's
};

struct RefererRule {
  std::size_t source_index = 0;
  std::string name;
  std::vector<std::string> hosts;  // "host" or "*.domain" (the domain and its subdomains)
  std::int64_t points = 2;
};

struct BotThresholds {
  std::int64_t suspect = 3;
  std::int64_t bot = 6;
};

// Points of the signals that come from the request and the message rather than a list.
struct BotSignals {
  std::int64_t empty_user_agent = 6;
  std::int64_t prefetch = 6;
  std::int64_t honeypot = 10;
  std::int64_t honeypot_near = 6;
  std::int64_t honeypot_window_s = 600;
  std::int64_t no_accept = 3;
  std::int64_t no_accept_language = 2;
  std::int64_t no_sec_fetch = 3;
  std::int64_t not_navigation = 3;
  std::int64_t fast_under_5s = 4;
  std::int64_t fast_under_15s = 2;
  std::int64_t burst_window_s = 3;
  std::int64_t burst_3 = 2;
  std::int64_t burst_4 = 3;
  std::int64_t burst_5 = 4;
};

// One rules file.
struct BotRules {
  std::string source;  // the file, or "built-in"
  BotThresholds thresholds;
  BotSignals signals;
  std::vector<UserAgentRule> user_agents;
  std::vector<NetworkRule> networks;
  std::vector<RefererRule> referers;
};

// The operator's `bots` section: which rules file, and changes to it.
struct Bots {
  std::string rules = "built-in";    // or a path to a rules file of the same format
  std::vector<std::string> disable;  // entry names to drop
  std::optional<BotThresholds> thresholds;
  std::vector<UserAgentRule> user_agents;  // added to the file's
  std::vector<NetworkRule> networks;
  std::vector<RefererRule> referers;
};

struct Config {
  std::string source_file;  // the YAML file this came from
  Listen listen;
  std::int64_t threads = 0;  // 0: one per core
  std::vector<TokenKey> keys;
  Store store;
  std::vector<std::string> trusted_proxies;
  std::vector<net::Cidr> trusted_proxy_ranges;  // resolved
  std::vector<Domain> domains;
  std::optional<TlsFiles> default_certificate;  // for handshakes naming no known host
  std::optional<std::string> favicon;           // path to an .ico; built-in icon otherwise
  std::string favicon_body;                     // resolved
  Privacy privacy;
  Limits limits;
  Log log;
  Api api;
  Ui ui;
  Bots bots;
  std::vector<Webhook> webhooks;
  Analytics analytics;
  std::optional<Acme> acme;
  // Names this node in event ids ("NODE:LOCAL"), unique per node; unset: the click log's own
  // name, made once when the log was created.
  std::optional<std::string> node_id;
  BotRules bot_rules;  // resolved: the rules file with `bots` applied
};

}  // namespace linktrack::config
