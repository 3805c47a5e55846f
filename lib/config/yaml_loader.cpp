// The YAML side of the config: types, required and unknown keys, and positions. Meaning
// (addresses, files, secrets, duplicates) is checked in validate.cpp.
#include <yaml-cpp/yaml.h>

#include <array>
#include <fstream>
#include <limits>
#include <sstream>

#include "config/load.hpp"
#include "util/did_you_mean.hpp"
#include "util/duration.hpp"

namespace linktrack::config {
namespace {

class Reader {
 public:
  Reader(SourceMap& map, Diagnostics& diag) : map_(map), diag_(diag) {}

  Position pos(const YAML::Node& n, const std::string& fallback_path) const {
    YAML::Mark m = n.Mark();
    if (m.is_null() || m.line < 0) return map_.find(fallback_path);
    return {m.line + 1, m.column + 1};
  }

  void error(const YAML::Node& n, const std::string& path, const std::string& message) {
    diag_.error_at(pos(n, path), path, message);
  }

  // Records where every key of a mapping sits, and reports the ones not in `known`.
  bool mapping(const YAML::Node& n, const std::string& path,
               const std::vector<std::string>& known) {
    if (!n.IsMap()) {
      error(n, path, "expected a mapping of keys");
      return false;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) {
        error(it->first, path, "keys must be plain words");
        continue;
      }
      const std::string key = it->first.Scalar();
      const std::string p = key_child(path, key);
      map_.set(p, pos(it->second.IsNull() ? it->first : it->second, path));
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string msg = "unknown key";
        if (auto guess = util::closest(key, known)) msg += " (did you mean '" + *guess + "'?)";
        diag_.error_at(pos(it->first, path), p, msg);
      }
    }
    return true;
  }

  std::optional<std::string> string(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar()) {
      error(n, path, "expected a string");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<std::int64_t> integer(const YAML::Node& n, const std::string& path,
                                      std::int64_t min, std::int64_t max) {
    if (n.IsScalar()) {
      try {
        auto v = n.as<std::int64_t>();
        if (v >= min && v <= max) return v;
        error(n, path, "must be from " + std::to_string(min) + " to " + std::to_string(max));
        return std::nullopt;
      } catch (const YAML::Exception&) {
      }
    }
    error(n, path, "expected a whole number");
    return std::nullopt;
  }

  std::optional<bool> boolean(const YAML::Node& n, const std::string& path) {
    if (n.IsScalar()) {
      try {
        return n.as<bool>();
      } catch (const YAML::Exception&) {
      }
    }
    error(n, path, "expected true or false");
    return std::nullopt;
  }

  // A number of seconds, or a duration such as 30d / 12h / 45m.
  std::optional<std::int64_t> seconds(const YAML::Node& n, const std::string& path) {
    if (n.IsScalar()) {
      if (auto v = util::parse_duration_seconds(n.Scalar())) return v;
    }
    error(n, path, "expected seconds or a duration such as 30d, 12h, 45m");
    return std::nullopt;
  }

  std::vector<std::string> strings(const YAML::Node& n, const std::string& path) {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
    } else if (n.IsSequence()) {
      for (std::size_t i = 0; i < n.size(); ++i) {
        map_.set(key_item(path, i), pos(n[i], path));
        if (auto s = string(n[i], key_item(path, i))) out.push_back(*s);
      }
    } else if (!n.IsNull()) {
      error(n, path, "expected a string or a list of strings");
    }
    return out;
  }

  void required(const YAML::Node& parent, const std::string& path, const std::string& key) {
    if (!parent[key]) error(parent, key_child(path, key), "required key is missing");
  }

  void record(const std::string& path, const YAML::Node& n) { map_.set(path, pos(n, path)); }

  template <typename T>
  void set(std::optional<T> v, T& into) {
    if (v) into = std::move(*v);
  }

 private:
  SourceMap& map_;
  Diagnostics& diag_;
};

// A section's keys, each declared once: its name (the section's known keys follow from the
// list), its type and range, and where it goes in the model. A new key in a flat section is
// one line in its table here and its member in config.hpp.
template <class Section>
struct Key {
  const char* name;
  void (*read)(Reader& r, const YAML::Node& n, const std::string& path, Section& out);
  bool required = false;
};

template <class Section>
constexpr Key<Section> required(Key<Section> k) {
  k.required = true;
  return k;
}

// False when `n` is not a mapping (reported).
template <class Section, std::size_t N>
bool read_section(Reader& r, const YAML::Node& n, const std::string& path,
                  const std::array<Key<Section>, N>& keys, Section& out) {
  std::vector<std::string> known;
  for (const auto& k : keys) known.emplace_back(k.name);
  if (!r.mapping(n, path, known)) return false;
  for (const auto& k : keys) {
    if (k.required) r.required(n, path, k.name);
    if (n[k.name]) k.read(r, n[k.name], key_child(path, k.name), out);
  }
  return true;
}

// A key whose value is a sub-section of its own table.
template <class Section, auto Member, const auto& Keys>
constexpr Key<Section> section_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            read_section(r, n, path, Keys, out.*Member);
          }};
}
// The same for an optional sub-section, which `null` leaves unset.
template <class Section, auto Member, const auto& Keys>
constexpr Key<Section> optional_section_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            if (n.IsNull()) return;
            typename std::remove_reference_t<decltype(out.*Member)>::value_type value{};
            if (read_section(r, n, path, Keys, value)) out.*Member = std::move(value);
          }};
}

template <class Section, auto Member, std::int64_t Min, std::int64_t Max>
constexpr Key<Section> integer_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            r.set(r.integer(n, path, Min, Max), out.*Member);
          }};
}
// A value that one of the Reader's typed reads gives, stored when it is valid.
template <class Section, auto Member, auto Read>
constexpr Key<Section> value_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            r.set((r.*Read)(n, path), out.*Member);
          }};
}
template <class Section, auto Member>
constexpr Key<Section> string_key(const char* name) {
  return value_key<Section, Member, &Reader::string>(name);
}
// An optional string, which `null` leaves unset.
template <class Section, auto Member>
constexpr Key<Section> optional_string_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            if (!n.IsNull()) out.*Member = r.string(n, path);
          }};
}
template <class Section, auto Member>
constexpr Key<Section> strings_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            out.*Member = r.strings(n, path);
          }};
}
// A number of seconds, or a duration such as 30d / 12h / 45m.
template <class Section, auto Member>
constexpr Key<Section> seconds_key(const char* name) {
  return value_key<Section, Member, &Reader::seconds>(name);
}
template <class Section, auto Member>
constexpr Key<Section> boolean_key(const char* name) {
  return value_key<Section, Member, &Reader::boolean>(name);
}
// One of a few words, each naming a value of the member's enum.
template <class Section, auto Member, auto Choices>
constexpr Key<Section> choice_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            auto word = r.string(n, path);
            if (!word) return;
            std::string expected;
            for (const auto& [text, value] : *Choices) {
              if (*word == text) {
                out.*Member = value;
                return;
              }
              expected += (expected.empty() ? "" : ", ") + std::string(text);
            }
            r.error(n, path, "expected one of " + expected);
          }};
}

constexpr std::array<std::pair<const char*, Durability>, 2> kDurabilities = {
    {{"batch", Durability::batch}, {"sync", Durability::sync}}};
constexpr std::array<std::pair<const char*, IpPrivacy>, 3> kIpPrivacies = {
    {{"full", IpPrivacy::full}, {"truncate", IpPrivacy::truncate}, {"none", IpPrivacy::none}}};

constexpr std::array<Key<Store>, 7> kStoreKeys = {
    string_key<Store, &Store::path>("path"),
    integer_key<Store, &Store::batch_max, 1, 100000>("batch_max"),
    integer_key<Store, &Store::batch_interval_ms, 1, 60000>("batch_interval_ms"),
    integer_key<Store, &Store::queue_capacity, 1, 100000000>("queue_capacity"),
    choice_key<Store, &Store::durability, &kDurabilities>("durability"),
    integer_key<Store, &Store::busy_timeout_ms, 0, 600000>("busy_timeout_ms"),
    integer_key<Store, &Store::sync_timeout_ms, 1, 600000>("sync_timeout_ms"),
};

constexpr std::array<Key<Privacy>, 3> kPrivacyKeys = {
    choice_key<Privacy, &Privacy::ip, &kIpPrivacies>("ip"),
    boolean_key<Privacy, &Privacy::user_agent>("user_agent"),
    integer_key<Privacy, &Privacy::retention_days, 0, 36500>("retention_days"),
};

constexpr std::array<Key<Limits>, 7> kLimitsKeys = {
    integer_key<Limits, &Limits::header_bytes, 1024, 1 << 20>("header_bytes"),
    integer_key<Limits, &Limits::body_bytes, 0, 1 << 20>("body_bytes"),
    integer_key<Limits, &Limits::handshake_timeout_ms, 100, 600000>("handshake_timeout_ms"),
    integer_key<Limits, &Limits::header_timeout_ms, 100, 600000>("header_timeout_ms"),
    integer_key<Limits, &Limits::idle_timeout_ms, 100, 3600000>("idle_timeout_ms"),
    integer_key<Limits, &Limits::max_connections, 1, 10000000>("max_connections"),
    integer_key<Limits, &Limits::connections_per_client, 1, 10000000>("connections_per_client"),
};

// log.level's words are checked in validate.cpp, with the list spdlog knows.
constexpr std::array<Key<Log>, 2> kLogKeys = {
    string_key<Log, &Log::level>("level"),
    boolean_key<Log, &Log::access_log>("access_log"),
};

constexpr std::array<Key<TlsFiles>, 2> kTlsKeys = {
    required(string_key<TlsFiles, &TlsFiles::cert>("cert")),
    required(string_key<TlsFiles, &TlsFiles::key>("key")),
};

constexpr std::array<Key<Listen>, 4> kListenKeys = {
    strings_key<Listen, &Listen::https>("https"),
    strings_key<Listen, &Listen::http>("http"),
    optional_string_key<Listen, &Listen::admin>("admin"),
    optional_section_key<Listen, &Listen::admin_tls, kTlsKeys>("admin_tls"),
};

// A secret's value is never echoed back in an error.
constexpr std::array<Key<TokenKey>, 4> kTokenKeyKeys = {
    required(
        Key<TokenKey>{"id",
                      [](Reader& r, const YAML::Node& n, const std::string& path, TokenKey& out) {
                        if (auto id = r.integer(n, path, 0, 0xffffffffLL))
                          out.id = static_cast<std::uint32_t>(*id);
                      }}),
    optional_string_key<TokenKey, &TokenKey::secret_inline>("secret"),
    optional_string_key<TokenKey, &TokenKey::secret_file>("secret_file"),
    optional_string_key<TokenKey, &TokenKey::secret_env>("secret_env"),
};

constexpr std::array<Key<CookieNames>, 4> kCookieNameKeys = {
    string_key<CookieNames, &CookieNames::campaign>("campaign"),
    string_key<CookieNames, &CookieNames::template_id>("template"),
    string_key<CookieNames, &CookieNames::message>("message"),
    string_key<CookieNames, &CookieNames::recipient>("recipient"),
};

constexpr std::array<Key<Cookies>, 3> kCookieKeys = {
    string_key<Cookies, &Cookies::domain>("domain"),
    seconds_key<Cookies, &Cookies::max_age_seconds>("max_age"),
    section_key<Cookies, &Cookies::names, kCookieNameKeys>("names"),
};

constexpr std::array<Key<Hsts>, 2> kHstsKeys = {
    required(seconds_key<Hsts, &Hsts::max_age_seconds>("max_age")),
    boolean_key<Hsts, &Hsts::include_subdomains>("include_subdomains"),
};

constexpr std::array<Key<Domain>, 10> kDomainKeys = {
    required(string_key<Domain, &Domain::host>("host")),
    strings_key<Domain, &Domain::aliases>("aliases"),
    Key<Domain>{"tls",  // {cert, key}, or `auto` for a certificate from ACME
                [](Reader& r, const YAML::Node& n, const std::string& path, Domain& d) {
                  if (n.IsNull()) return;
                  if (n.IsScalar()) {
                    if (n.Scalar() == "auto") {
                      d.tls_auto = true;
                      return;
                    }
                    return r.error(n, path, "expected {cert, key} or auto");
                  }
                  TlsFiles files;
                  if (read_section(r, n, path, kTlsKeys, files)) d.tls = std::move(files);
                }},
    string_key<Domain, &Domain::fallback_url>("fallback_url"),
    section_key<Domain, &Domain::cookies, kCookieKeys>("cookies"),
    Key<Domain>{"append_query",  // parameter: value, in file order
                [](Reader& r, const YAML::Node& q, const std::string& path, Domain& d) {
                  if (!q.IsMap()) return r.error(q, path, "expected a mapping of parameter: value");
                  for (auto it = q.begin(); it != q.end(); ++it) {
                    auto name = r.string(it->first, path);
                    auto value = r.string(it->second, key_child(path, it->first.Scalar()));
                    if (name && value) d.append_query.emplace_back(*name, *value);
                  }
                }},
    optional_string_key<Domain, &Domain::apple_app_site_association>("apple_app_site_association"),
    optional_string_key<Domain, &Domain::assetlinks>("assetlinks"),
    optional_section_key<Domain, &Domain::hsts, kHstsKeys>("hsts"),
    string_key<Domain, &Domain::public_url>("public_url"),
};

// A list whose every item is a section of `Keys`.
template <class Section, auto Member, const auto& Keys>
constexpr Key<Section> list_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            using Item = typename std::remove_reference_t<decltype(out.*Member)>::value_type;
            if (!n.IsSequence()) return r.error(n, path, "expected a list of " + path);
            for (std::size_t i = 0; i < n.size(); ++i) {
              const std::string item = key_item(path, i);
              r.record(item, n[i]);
              Item value{};
              value.source_index = i;  // an entry that is not a mapping is left out
              if (read_section(r, n[i], item, Keys, value))
                (out.*Member).push_back(std::move(value));
            }
          }};
}

constexpr std::array<std::pair<const char*, EventScope>, 2> kEventScopes = {
    {{"click", EventScope::click}, {"open", EventScope::open}}};

constexpr std::array<Key<UserAgentRule>, 5> kUserAgentRuleKeys = {
    required(string_key<UserAgentRule, &UserAgentRule::name>("name")),
    strings_key<UserAgentRule, &UserAgentRule::contains>("contains"),
    strings_key<UserAgentRule, &UserAgentRule::equals>("equals"),
    integer_key<UserAgentRule, &UserAgentRule::points, 0, 100>("points"),
    choice_key<UserAgentRule, &UserAgentRule::only, &kEventScopes>("only"),
};
constexpr std::array<Key<NetworkRule>, 5> kNetworkRuleKeys = {
    required(string_key<NetworkRule, &NetworkRule::name>("name")),
    strings_key<NetworkRule, &NetworkRule::cidrs>("cidrs"),
    optional_string_key<NetworkRule, &NetworkRule::file>("file"),
    integer_key<NetworkRule, &NetworkRule::points, 0, 100>("points"),
    choice_key<NetworkRule, &NetworkRule::only, &kEventScopes>("only"),
};
constexpr std::array<Key<RefererRule>, 3> kRefererRuleKeys = {
    required(string_key<RefererRule, &RefererRule::name>("name")),
    required(strings_key<RefererRule, &RefererRule::hosts>("hosts")),
    integer_key<RefererRule, &RefererRule::points, 0, 100>("points"),
};
constexpr std::array<Key<BotThresholds>, 2> kBotThresholdKeys = {
    integer_key<BotThresholds, &BotThresholds::suspect, 1, 1000>("suspect"),
    integer_key<BotThresholds, &BotThresholds::bot, 1, 1000>("bot"),
};
template <auto Member>
constexpr Key<BotSignals> points_key(const char* name) {
  return integer_key<BotSignals, Member, 0, 100>(name);
}
constexpr std::array<Key<BotSignals>, 15> kBotSignalKeys = {
    points_key<&BotSignals::empty_user_agent>("empty_user_agent"),
    points_key<&BotSignals::prefetch>("prefetch"),
    points_key<&BotSignals::honeypot>("honeypot"),
    points_key<&BotSignals::honeypot_near>("honeypot_near"),
    integer_key<BotSignals, &BotSignals::honeypot_window_s, 1, 86400>("honeypot_window_s"),
    points_key<&BotSignals::no_accept>("no_accept"),
    points_key<&BotSignals::no_accept_language>("no_accept_language"),
    points_key<&BotSignals::no_sec_fetch>("no_sec_fetch"),
    points_key<&BotSignals::not_navigation>("not_navigation"),
    points_key<&BotSignals::fast_under_5s>("fast_under_5s"),
    points_key<&BotSignals::fast_under_15s>("fast_under_15s"),
    integer_key<BotSignals, &BotSignals::burst_window_s, 1, 3600>("burst_window_s"),
    points_key<&BotSignals::burst_3>("burst_3"),
    points_key<&BotSignals::burst_4>("burst_4"),
    points_key<&BotSignals::burst_5>("burst_5"),
};

// A rules file (config/bots.yaml), read by load_bot_rules_text.
constexpr std::array<Key<BotRules>, 5> kBotRulesKeys = {
    section_key<BotRules, &BotRules::thresholds, kBotThresholdKeys>("thresholds"),
    section_key<BotRules, &BotRules::signals, kBotSignalKeys>("signals"),
    list_key<BotRules, &BotRules::user_agents, kUserAgentRuleKeys>("user_agents"),
    list_key<BotRules, &BotRules::networks, kNetworkRuleKeys>("networks"),
    list_key<BotRules, &BotRules::referers, kRefererRuleKeys>("referers"),
};
// The operator's changes to it.
constexpr std::array<Key<Bots>, 6> kBotsKeys = {
    string_key<Bots, &Bots::rules>("rules"),
    strings_key<Bots, &Bots::disable>("disable"),
    optional_section_key<Bots, &Bots::thresholds, kBotThresholdKeys>("thresholds"),
    list_key<Bots, &Bots::user_agents, kUserAgentRuleKeys>("user_agents"),
    list_key<Bots, &Bots::networks, kNetworkRuleKeys>("networks"),
    list_key<Bots, &Bots::referers, kRefererRuleKeys>("referers"),
};

// A secret's value is never echoed back in an error; scopes are checked in validate.cpp.
constexpr std::array<Key<ApiKey>, 6> kApiKeyKeys = {
    required(string_key<ApiKey, &ApiKey::id>("id")),
    optional_string_key<ApiKey, &ApiKey::secret_inline>("secret"),
    optional_string_key<ApiKey, &ApiKey::secret_file>("secret_file"),
    optional_string_key<ApiKey, &ApiKey::secret_env>("secret_env"),
    optional_string_key<ApiKey, &ApiKey::secret_sha256>("secret_sha256"),
    required(strings_key<ApiKey, &ApiKey::scopes>("scopes")),
};

constexpr std::array<Key<Api>, 2> kApiKeys = {
    list_key<Api, &Api::keys, kApiKeyKeys>("keys"),
    integer_key<Api, &Api::body_bytes, 1024, 1LL << 30>("body_bytes"),
};

constexpr std::array<Key<Ui>, 2> kUiKeys = {
    boolean_key<Ui, &Ui::enabled>("enabled"),
    seconds_key<Ui, &Ui::session_idle_seconds>("session_idle"),
};

// A secret's value is never echoed back in an error; its form is checked in validate.cpp.
constexpr std::array<Key<Webhook>, 15> kWebhookKeys = {
    required(string_key<Webhook, &Webhook::id>("id")),
    required(string_key<Webhook, &Webhook::url>("url")),
    optional_string_key<Webhook, &Webhook::secret_inline>("secret"),
    strings_key<Webhook, &Webhook::secrets_inline>("secrets"),
    optional_string_key<Webhook, &Webhook::secret_file>("secret_file"),
    optional_string_key<Webhook, &Webhook::secret_env>("secret_env"),
    strings_key<Webhook, &Webhook::events>("events"),
    strings_key<Webhook, &Webhook::domains>("domains"),
    strings_key<Webhook, &Webhook::campaigns>("campaigns"),
    integer_key<Webhook, &Webhook::batch_max, 1, 10000>("batch_max"),
    integer_key<Webhook, &Webhook::batch_interval_ms, 0, 600000>("batch_interval_ms"),
    integer_key<Webhook, &Webhook::timeout_ms, 100, 120000>("timeout_ms"),
    seconds_key<Webhook, &Webhook::max_age_seconds>("max_age"),
    boolean_key<Webhook, &Webhook::allow_private>("allow_private"),
    optional_string_key<Webhook, &Webhook::ca_file>("ca_file"),
};

// The password's value is never echoed back in an error.
constexpr std::array<Key<ClickHouse>, 11> kClickHouseKeys = {
    required(string_key<ClickHouse, &ClickHouse::url>("url")),
    string_key<ClickHouse, &ClickHouse::database>("database"),
    string_key<ClickHouse, &ClickHouse::user>("user"),
    optional_string_key<ClickHouse, &ClickHouse::password_inline>("password"),
    optional_string_key<ClickHouse, &ClickHouse::password_file>("password_file"),
    optional_string_key<ClickHouse, &ClickHouse::password_env>("password_env"),
    integer_key<ClickHouse, &ClickHouse::batch_max, 1, 1000000>("batch_max"),
    integer_key<ClickHouse, &ClickHouse::batch_interval_ms, 0, 600000>("batch_interval_ms"),
    integer_key<ClickHouse, &ClickHouse::timeout_ms, 100, 600000>("timeout_ms"),
    integer_key<ClickHouse, &ClickHouse::keep_local_days, 0, 36500>("keep_local_days"),
    optional_string_key<ClickHouse, &ClickHouse::ca_file>("ca_file"),
};

constexpr std::array<Key<Analytics>, 1> kAnalyticsKeys = {
    optional_section_key<Analytics, &Analytics::clickhouse, kClickHouseKeys>("clickhouse"),
};

constexpr std::array<Key<OnDemand>, 5> kOnDemandKeys = {
    required(string_key<OnDemand, &OnDemand::domain>("domain")),
    strings_key<OnDemand, &OnDemand::allow>("allow"),
    optional_string_key<OnDemand, &OnDemand::ask>("ask"),
    integer_key<OnDemand, &OnDemand::rate, 1, 600>("rate"),
    integer_key<OnDemand, &OnDemand::wait_ms, 1000, 120000>("wait_ms"),
};

constexpr std::array<Key<Acme>, 7> kAcmeKeys = {
    required(string_key<Acme, &Acme::directory>("directory")),
    string_key<Acme, &Acme::email>("email"),
    string_key<Acme, &Acme::storage>("storage"),
    optional_string_key<Acme, &Acme::ca_file>("ca_file"),
    seconds_key<Acme, &Acme::renew_before_seconds>("renew_before"),
    strings_key<Acme, &Acme::challenges>("challenges"),
    optional_section_key<Acme, &Acme::on_demand, kOnDemandKeys>("on_demand"),
};

struct Proxies {
  std::vector<std::string> trusted;
};
constexpr std::array<Key<Proxies>, 1> kProxiesKeys = {
    strings_key<Proxies, &Proxies::trusted>("trusted")};

struct TlsSection {
  std::optional<TlsFiles> default_certificate;
};
constexpr std::array<Key<TlsSection>, 1> kTlsSectionKeys = {
    optional_section_key<TlsSection, &TlsSection::default_certificate, kTlsKeys>(
        "default_certificate")};

constexpr std::array<Key<Config>, 18> kRootKeys = {
    section_key<Config, &Config::listen, kListenKeys>("listen"),  // serving needs it (validate)
    integer_key<Config, &Config::threads, 0, 1024>("threads"),
    required(list_key<Config, &Config::keys, kTokenKeyKeys>("keys")),
    section_key<Config, &Config::store, kStoreKeys>("store"),
    Key<Config>{"proxies",
                [](Reader& r, const YAML::Node& n, const std::string& path, Config& c) {
                  Proxies p;
                  if (read_section(r, n, path, kProxiesKeys, p)) c.trusted_proxies = p.trusted;
                }},
    required(list_key<Config, &Config::domains, kDomainKeys>("domains")),
    Key<Config>{"tls",
                [](Reader& r, const YAML::Node& n, const std::string& path, Config& c) {
                  TlsSection t;
                  if (read_section(r, n, path, kTlsSectionKeys, t))
                    c.default_certificate = t.default_certificate;
                }},
    optional_string_key<Config, &Config::favicon>("favicon"),
    section_key<Config, &Config::privacy, kPrivacyKeys>("privacy"),
    section_key<Config, &Config::limits, kLimitsKeys>("limits"),
    section_key<Config, &Config::log, kLogKeys>("log"),
    section_key<Config, &Config::api, kApiKeys>("api"),
    section_key<Config, &Config::ui, kUiKeys>("ui"),
    section_key<Config, &Config::bots, kBotsKeys>("bots"),
    list_key<Config, &Config::webhooks, kWebhookKeys>("webhooks"),
    section_key<Config, &Config::analytics, kAnalyticsKeys>("analytics"),
    optional_section_key<Config, &Config::acme, kAcmeKeys>("acme"),
    optional_string_key<Config, &Config::node_id>("node_id"),
};

template <class Model, std::size_t N>
bool load_text(const std::string& text, const std::array<Key<Model>, N>& keys, Model& out,
               SourceMap& map, Diagnostics& diag) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    diag.error_at({e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
    return false;
  }
  map.set("", {1, 1});
  Reader r(map, diag);
  if (root.IsNull()) {
    diag.error_at({1, 1}, "", "the file is empty");
    return false;
  }
  read_section(r, root, "", keys, out);
  return true;
}

}  // namespace

bool load_yaml_text(const std::string& text, Config& out, SourceMap& map, Diagnostics& diag) {
  return load_text(text, kRootKeys, out, map, diag);
}

bool load_bot_rules_text(const std::string& text, BotRules& out, SourceMap& map,
                         Diagnostics& diag) {
  return load_text(text, kBotRulesKeys, out, map, diag);
}

bool load_yaml(const std::string& path, Config& out, SourceMap& map, Diagnostics& diag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diag.error_at({0, 0}, "", "cannot read the file");
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  out.source_file = path;
  return load_yaml_text(ss.str(), out, map, diag);
}

}  // namespace linktrack::config
