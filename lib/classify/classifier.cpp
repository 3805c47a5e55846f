#include "classify/classifier.hpp"

#include <algorithm>
#include <charconv>

#include "classify/evidence.hpp"
#include "util/ascii_case.hpp"

namespace linktrack::classify {
namespace {

bool applies(config::EventScope only, bool open) {
  return only == config::EventScope::any || (only == config::EventScope::open) == open;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == y;
         });
}

// The major (and minor) version after `token` in a user agent: "Chrome/120.0" → 120.
std::optional<std::pair<int, int>> version_after(std::string_view ua, std::string_view token) {
  auto at = ua.find(token);
  if (at == std::string_view::npos) return std::nullopt;
  const char* p = ua.data() + at + token.size();
  const char* end = ua.data() + ua.size();
  int major = 0, minor = 0;
  auto r = std::from_chars(p, end, major);
  if (r.ec != std::errc()) return std::nullopt;
  if (r.ptr < end && *r.ptr == '.') std::from_chars(r.ptr + 1, end, minor);
  return std::pair{major, minor};
}

// Whether the user agent claims a browser that sends Sec-Fetch-Mode on every HTTPS request:
// Chrome and Edge 80+, Firefox 90+, Safari 16.4+. Android's WebView ("; wv)") is left out:
// apps embed it with their own header handling.
bool claims_fetch_metadata(std::string_view ua) {
  if (ua.find("; wv)") != std::string_view::npos) return false;
  if (auto v = version_after(ua, "Chrome/")) return v->first >= 80;
  if (auto v = version_after(ua, "Firefox/")) return v->first >= 90;
  if (ua.find("Safari/") != std::string_view::npos)
    if (auto v = version_after(ua, "Version/"))
      return v->first > 16 || (v->first == 16 && v->second >= 4);
  return false;
}

// The host of a Referer ("https://host:443/path" → "host"), lower case.
std::string referer_host(std::string_view referer) {
  auto scheme = referer.find("://");
  if (scheme == std::string_view::npos) return {};
  auto rest = referer.substr(scheme + 3);
  auto host = rest.substr(0, rest.find_first_of("/:?#"));
  if (auto at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
  std::string out(host);
  for (char& c : out) c = util::ascii_lower(c);
  return out;
}

bool host_matches(std::string_view host, std::string_view pattern) {
  if (pattern.starts_with("*.")) {
    const auto domain = pattern.substr(2);
    return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                              host[host.size() - domain.size() - 1] == '.');
  }
  return host == pattern;
}

}  // namespace

std::vector<std::string_view> split_reasons(std::string_view reasons) {
  std::vector<std::string_view> out;
  while (!reasons.empty()) {
    const auto space = reasons.find(' ');
    if (space != 0) out.push_back(reasons.substr(0, space));
    if (space == std::string_view::npos) break;
    reasons.remove_prefix(space + 1);
  }
  return out;
}

Classifier::Classifier(const config::BotRules& rules) : rules_(rules) {
  std::vector<std::string> patterns;
  std::vector<std::uint16_t> ids;
  for (std::size_t i = 0; i < rules_.user_agents.size(); ++i)
    for (const auto& s : rules_.user_agents[i].contains) {
      patterns.push_back(s);
      ids.push_back(static_cast<std::uint16_t>(i));
    }
  user_agent_strings_ = SubstringSet(patterns, ids);
  std::vector<std::vector<net::Cidr>> lists;
  for (const auto& n : rules_.networks) lists.push_back(n.ranges);
  networks_ = NetworkTable(lists);
}

// Adds a signal's points and its reason, written straight into the reasons text.
struct Classifier::Tally {
  Assessment& a;
  std::vector<Signal>* detail;
  void add(std::int64_t points, std::string_view prefix, std::string_view name = {},
           std::string_view suffix = {}) {
    if (points <= 0) return;
    a.score += points;
    const auto start = a.reasons.size() + (a.reasons.empty() ? 0 : 1);
    if (!a.reasons.empty()) a.reasons += ' ';
    a.reasons.append(prefix).append(name).append(suffix);
    if (detail) detail->push_back({a.reasons.substr(start), points});
  }
};

Assessment Classifier::assess(const Observation& o, const MessageEvidence& m,
                              std::vector<Signal>* detail) const {
  const auto& s = rules_.signals;
  Assessment a;
  Tally t{a, detail};
  if (o.evidence & evidence::honeypot) t.add(s.honeypot, "honeypot");
  if (m.honeypot_near) t.add(s.honeypot_near, "honeypot:near");

  if (o.user_agent.empty()) {
    t.add(s.empty_user_agent, "ua:empty");
  } else {
    // Each rule once, in the file's order, however many of its strings occur.
    std::uint64_t seen_low = 0;
    std::vector<bool> seen;
    auto hit = [&](std::size_t i) {
      if (i < 64) {
        if (seen_low & (std::uint64_t{1} << i)) return false;
        seen_low |= std::uint64_t{1} << i;
        return true;
      }
      if (seen.size() <= i) seen.resize(i + 1);
      if (seen[i]) return false;
      seen[i] = true;
      return true;
    };
    std::vector<std::size_t> matched;
    user_agent_strings_.scan(o.user_agent, [&](std::uint16_t id) {
      if (hit(id)) matched.push_back(id);
    });
    for (std::size_t i = 0; i < rules_.user_agents.size(); ++i) {
      const auto& r = rules_.user_agents[i];
      if (r.equals.empty()) continue;
      for (const auto& e : r.equals)
        if (iequal(o.user_agent, e) && hit(i)) matched.push_back(i);
    }
    std::sort(matched.begin(), matched.end());
    for (auto i : matched)
      if (applies(rules_.user_agents[i].only, o.open))
        t.add(rules_.user_agents[i].points, "ua:", rules_.user_agents[i].name);
  }

  if (o.ip) {
    const auto lists = networks_.lists_containing(*o.ip);
    for (std::size_t i = 0; i < rules_.networks.size() && i < 64; ++i)
      if ((lists >> i) & 1 && applies(rules_.networks[i].only, o.open))
        t.add(rules_.networks[i].points, "net:", rules_.networks[i].name);
  } else {
    for (auto reason : split_reasons(o.earlier_reasons)) {
      if (!reason.starts_with("net:")) continue;
      for (const auto& n : rules_.networks)
        if (reason.substr(4) == n.name && applies(n.only, o.open)) t.add(n.points, "net:", n.name);
    }
  }

  if (!o.referer.empty() && !rules_.referers.empty()) {
    const auto host = referer_host(o.referer);
    for (const auto& r : rules_.referers)
      if (std::any_of(r.hosts.begin(), r.hosts.end(),
                      [&](const std::string& p) { return host_matches(host, p); }))
        t.add(r.points, "ref:", r.name);
  }

  if (o.evidence & evidence::prefetch) t.add(s.prefetch, "prefetch");
  if (o.navigation) {
    if (!(o.evidence & evidence::accept)) t.add(s.no_accept, "headers:no-accept");
    if (!(o.evidence & evidence::accept_language))
      t.add(s.no_accept_language, "headers:no-accept-language");
    if (o.evidence & evidence::sec_fetch) {
      if (!(o.evidence & evidence::navigate)) t.add(s.not_navigation, "headers:not-navigation");
    } else if ((o.evidence & evidence::secure) && claims_fetch_metadata(o.user_agent)) {
      t.add(s.no_sec_fetch, "headers:no-sec-fetch");
    }
  }

  if (o.sent_at > 0 && !o.open) {
    const std::int64_t age = o.time_ms / 1000 - o.sent_at;
    if (age >= 0 && age < 5)
      t.add(s.fast_under_5s, "fast:", std::to_string(age), "s");
    else if (age >= 0 && age < 15)
      t.add(s.fast_under_15s, "fast:", std::to_string(age), "s");
  }

  if (m.burst_links >= 3) {
    const auto points = m.burst_links >= 5 ? s.burst_5 : m.burst_links == 4 ? s.burst_4 : s.burst_3;
    t.add(points, "burst:", std::to_string(m.burst_links) + "/" + std::to_string(s.burst_window_s),
          "s");
  }

  a.verdict = a.score >= rules_.thresholds.bot       ? Verdict::bot
              : a.score >= rules_.thresholds.suspect ? Verdict::suspect
                                                     : Verdict::human;
  return a;
}

}  // namespace linktrack::classify
