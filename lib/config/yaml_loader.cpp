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
};

template <class Section, std::size_t N>
void read_section(Reader& r, const YAML::Node& n, const std::string& path,
                  const std::array<Key<Section>, N>& keys, Section& out) {
  std::vector<std::string> known;
  for (const auto& k : keys) known.emplace_back(k.name);
  if (!r.mapping(n, path, known)) return;
  for (const auto& k : keys)
    if (n[k.name]) k.read(r, n[k.name], key_child(path, k.name), out);
}

template <class Section, auto Member, std::int64_t Min, std::int64_t Max>
constexpr Key<Section> integer_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            r.set(r.integer(n, path, Min, Max), out.*Member);
          }};
}
template <class Section, auto Member>
constexpr Key<Section> string_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            r.set(r.string(n, path), out.*Member);
          }};
}
template <class Section, auto Member>
constexpr Key<Section> boolean_key(const char* name) {
  return {name, [](Reader& r, const YAML::Node& n, const std::string& path, Section& out) {
            r.set(r.boolean(n, path), out.*Member);
          }};
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

TlsFiles read_tls(Reader& r, const YAML::Node& n, const std::string& path) {
  TlsFiles tls;
  if (!r.mapping(n, path, {"cert", "key"})) return tls;
  r.required(n, path, "cert");
  r.required(n, path, "key");
  if (n["cert"]) r.set(r.string(n["cert"], key_child(path, "cert")), tls.cert);
  if (n["key"]) r.set(r.string(n["key"], key_child(path, "key")), tls.key);
  return tls;
}

void read_listen(Reader& r, const YAML::Node& n, Listen& out) {
  if (!r.mapping(n, "listen", {"https", "http", "admin"})) return;
  if (n["https"]) out.https = r.strings(n["https"], "listen.https");
  if (n["http"]) out.http = r.strings(n["http"], "listen.http");
  if (n["admin"] && !n["admin"].IsNull()) out.admin = r.string(n["admin"], "listen.admin");
}

void read_keys(Reader& r, const YAML::Node& n, std::vector<TokenKey>& out) {
  if (!n.IsSequence()) {
    r.error(n, "keys", "expected a list of keys");
    return;
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = key_item("keys", i);
    const YAML::Node k = n[i];
    r.record(path, k);
    TokenKey key;
    if (!r.mapping(k, path, {"id", "secret", "secret_file", "secret_env"})) continue;
    r.required(k, path, "id");
    if (k["id"]) {
      if (auto id = r.integer(k["id"], key_child(path, "id"), 0, 0xffffffffLL))
        key.id = static_cast<std::uint32_t>(*id);
    }
    // A secret's value is never echoed back in an error.
    if (k["secret"]) key.secret_inline = r.string(k["secret"], key_child(path, "secret"));
    if (k["secret_file"])
      key.secret_file = r.string(k["secret_file"], key_child(path, "secret_file"));
    if (k["secret_env"]) key.secret_env = r.string(k["secret_env"], key_child(path, "secret_env"));
    out.push_back(std::move(key));
  }
}

void read_cookies(Reader& r, const YAML::Node& n, const std::string& path, Cookies& out) {
  if (!r.mapping(n, path, {"domain", "max_age", "names"})) return;
  if (n["domain"]) r.set(r.string(n["domain"], key_child(path, "domain")), out.domain);
  if (n["max_age"]) r.set(r.seconds(n["max_age"], key_child(path, "max_age")), out.max_age_seconds);
  if (const auto names = n["names"]) {
    const std::string np = key_child(path, "names");
    if (r.mapping(names, np, {"campaign", "template", "message", "recipient"})) {
      if (names["campaign"])
        r.set(r.string(names["campaign"], key_child(np, "campaign")), out.names.campaign);
      if (names["template"])
        r.set(r.string(names["template"], key_child(np, "template")), out.names.template_id);
      if (names["message"])
        r.set(r.string(names["message"], key_child(np, "message")), out.names.message);
      if (names["recipient"])
        r.set(r.string(names["recipient"], key_child(np, "recipient")), out.names.recipient);
    }
  }
}

void read_domain(Reader& r, const YAML::Node& n, const std::string& path, Domain& d) {
  if (!r.mapping(n, path,
                 {"host", "aliases", "tls", "fallback_url", "cookies", "append_query",
                  "apple_app_site_association", "assetlinks", "hsts"}))
    return;
  r.required(n, path, "host");
  if (n["host"]) r.set(r.string(n["host"], key_child(path, "host")), d.host);
  if (n["aliases"]) d.aliases = r.strings(n["aliases"], key_child(path, "aliases"));
  if (n["tls"] && !n["tls"].IsNull()) d.tls = read_tls(r, n["tls"], key_child(path, "tls"));
  if (n["fallback_url"])
    r.set(r.string(n["fallback_url"], key_child(path, "fallback_url")), d.fallback_url);
  if (n["cookies"]) read_cookies(r, n["cookies"], key_child(path, "cookies"), d.cookies);
  if (const auto q = n["append_query"]) {
    const std::string qp = key_child(path, "append_query");
    if (!q.IsMap()) {
      r.error(q, qp, "expected a mapping of parameter: value");
    } else {
      for (auto it = q.begin(); it != q.end(); ++it) {
        auto name = r.string(it->first, qp);
        auto value = r.string(it->second, key_child(qp, it->first.Scalar()));
        if (name && value) d.append_query.emplace_back(*name, *value);
      }
    }
  }
  if (n["apple_app_site_association"])
    d.apple_app_site_association =
        r.string(n["apple_app_site_association"], key_child(path, "apple_app_site_association"));
  if (n["assetlinks"]) d.assetlinks = r.string(n["assetlinks"], key_child(path, "assetlinks"));
  if (const auto h = n["hsts"]; h && !h.IsNull()) {
    const std::string hp = key_child(path, "hsts");
    Hsts hsts;
    if (r.mapping(h, hp, {"max_age", "include_subdomains"})) {
      r.required(h, hp, "max_age");
      if (h["max_age"])
        r.set(r.seconds(h["max_age"], key_child(hp, "max_age")), hsts.max_age_seconds);
      if (h["include_subdomains"])
        r.set(r.boolean(h["include_subdomains"], key_child(hp, "include_subdomains")),
              hsts.include_subdomains);
      d.hsts = hsts;
    }
  }
}

void read_root(Reader& r, const YAML::Node& root, Config& c) {
  if (!r.mapping(root, "",
                 {"listen", "threads", "keys", "store", "proxies", "domains", "tls", "favicon",
                  "privacy", "limits", "log"}))
    return;
  r.required(root, "", "keys");
  r.required(root, "", "domains");
  r.required(root, "", "listen");
  if (root["listen"]) read_listen(r, root["listen"], c.listen);
  if (root["threads"]) r.set(r.integer(root["threads"], "threads", 0, 1024), c.threads);
  if (root["keys"]) read_keys(r, root["keys"], c.keys);
  if (root["store"]) read_section(r, root["store"], "store", kStoreKeys, c.store);
  if (const auto p = root["proxies"]) {
    if (r.mapping(p, "proxies", {"trusted"}) && p["trusted"])
      c.trusted_proxies = r.strings(p["trusted"], "proxies.trusted");
  }
  if (const auto t = root["tls"]) {
    if (r.mapping(t, "tls", {"default_certificate"}) && t["default_certificate"] &&
        !t["default_certificate"].IsNull())
      c.default_certificate = read_tls(r, t["default_certificate"], "tls.default_certificate");
  }
  if (root["favicon"] && !root["favicon"].IsNull())
    c.favicon = r.string(root["favicon"], "favicon");
  if (const auto d = root["domains"]) {
    if (!d.IsSequence()) {
      r.error(d, "domains", "expected a list of domains");
    } else {
      for (std::size_t i = 0; i < d.size(); ++i) {
        Domain domain;
        r.record(key_item("domains", i), d[i]);
        read_domain(r, d[i], key_item("domains", i), domain);
        c.domains.push_back(std::move(domain));
      }
    }
  }
  if (root["privacy"]) read_section(r, root["privacy"], "privacy", kPrivacyKeys, c.privacy);
  if (root["limits"]) read_section(r, root["limits"], "limits", kLimitsKeys, c.limits);
  if (root["log"]) read_section(r, root["log"], "log", kLogKeys, c.log);
}

}  // namespace

bool load_yaml_text(const std::string& text, Config& out, SourceMap& map, Diagnostics& diag) {
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
  read_root(r, root, out);
  return true;
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
