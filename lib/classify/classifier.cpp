#include "classify/classifier.hpp"

#include <algorithm>
#include <charconv>

#include "classify/evidence.hpp"

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
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
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

void Classifier::add(Assessment& a, std::string reason, std::int64_t points) const {
  if (points <= 0) return;
  a.score += points;
  a.signals.push_back({std::move(reason), points});
}

Assessment Classifier::assess(const Observation& o, const MessageEvidence& m) const {
  const auto& s = rules_.signals;
  Assessment a;
  if (o.evidence & evidence::honeypot) add(a, "honeypot", s.honeypot);
  if (m.honeypot_near) add(a, "honeypot:near", s.honeypot_near);

  if (o.user_agent.empty()) {
    add(a, "ua:empty", s.empty_user_agent);
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
        add(a, "ua:" + rules_.user_agents[i].name, rules_.user_agents[i].points);
  }

  if (o.ip) {
    const auto lists = networks_.lists_containing(*o.ip);
    for (std::size_t i = 0; i < rules_.networks.size() && i < 64; ++i)
      if ((lists >> i) & 1 && applies(rules_.networks[i].only, o.open))
        add(a, "net:" + rules_.networks[i].name, rules_.networks[i].points);
  } else {
    for (auto reason : split_reasons(o.earlier_reasons)) {
      if (!reason.starts_with("net:")) continue;
      for (const auto& n : rules_.networks)
        if (reason.substr(4) == n.name && applies(n.only, o.open))
          add(a, "net:" + n.name, n.points);
    }
  }

  if (!o.referer.empty() && !rules_.referers.empty()) {
    const auto host = referer_host(o.referer);
    for (const auto& r : rules_.referers)
      if (std::any_of(r.hosts.begin(), r.hosts.end(),
                      [&](const std::string& p) { return host_matches(host, p); }))
        add(a, "ref:" + r.name, r.points);
  }

  if (o.evidence & evidence::prefetch) add(a, "prefetch", s.prefetch);
  if (o.navigation) {
    if (!(o.evidence & evidence::accept)) add(a, "headers:no-accept", s.no_accept);
    if (!(o.evidence & evidence::accept_language))
      add(a, "headers:no-accept-language", s.no_accept_language);
    if (o.evidence & evidence::sec_fetch) {
      if (!(o.evidence & evidence::navigate)) add(a, "headers:not-navigation", s.not_navigation);
    } else if ((o.evidence & evidence::secure) && claims_fetch_metadata(o.user_agent)) {
      add(a, "headers:no-sec-fetch", s.no_sec_fetch);
    }
  }

  if (o.sent_at > 0 && !o.open) {
    const std::int64_t age = o.time_ms / 1000 - o.sent_at;
    if (age >= 0 && age < 5)
      add(a, "fast:" + std::to_string(age) + "s", s.fast_under_5s);
    else if (age >= 0 && age < 15)
      add(a, "fast:" + std::to_string(age) + "s", s.fast_under_15s);
  }

  if (m.burst_links >= 3) {
    const auto points = m.burst_links >= 5 ? s.burst_5 : m.burst_links == 4 ? s.burst_4 : s.burst_3;
    add(a, "burst:" + std::to_string(m.burst_links) + "/" + std::to_string(s.burst_window_s) + "s",
        points);
  }

  for (const auto& sig : a.signals) a.reasons += (a.reasons.empty() ? "" : " ") + sig.reason;
  a.verdict = a.score >= rules_.thresholds.bot       ? Verdict::bot
              : a.score >= rules_.thresholds.suspect ? Verdict::suspect
                                                     : Verdict::human;
  return a;
}

}  // namespace linktrack::classify
