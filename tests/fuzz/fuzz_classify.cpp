// libFuzzer target for the classifier on whatever a client sends: any user agent, Referer and
// client address is judged without a crash, and the one-pass user-agent matcher finds exactly
// what a search per string finds.
//   ./build-fuzz/fuzz_classify tests/fuzz/corpus/classify -max_total_time=60
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "classify/classifier.hpp"
#include "config/bot_rules.hpp"

using namespace linktrack;

namespace {

const config::BotRules& rules() {
  static const config::BotRules r = [] {
    config::Config c;
    config::SourceMap map;
    config::Diagnostics diag("fuzz.yaml", &map);
    std::vector<std::string> errors;
    config::resolve_bot_rules(c, diag, errors);
    if (!diag.ok() || !errors.empty()) std::abort();
    return c.bot_rules;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const classify::Classifier classifier(rules());
  static std::vector<std::string> patterns;
  static classify::SubstringSet set = [] {
    std::vector<std::uint16_t> ids;
    for (const auto& r : rules().user_agents)
      for (const auto& s : r.contains) {
        patterns.push_back(s);
        ids.push_back(static_cast<std::uint16_t>(patterns.size() - 1));
      }
    return classify::SubstringSet(patterns, ids);
  }();
  if (size < 1) return 0;
  const std::uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  // user agent \n referer \n address
  const auto a = rest.find('\n');
  const std::string_view ua = rest.substr(0, a);
  rest = a == std::string_view::npos ? std::string_view() : rest.substr(a + 1);
  const auto b = rest.find('\n');
  const std::string_view referer = rest.substr(0, b);
  const std::string_view address = b == std::string_view::npos ? "" : rest.substr(b + 1);

  std::string lower(ua);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::set<int> expected, found;
  for (std::size_t i = 0; i < patterns.size(); ++i)
    if (lower.find(patterns[i]) != std::string::npos) expected.insert(static_cast<int>(i));
  set.scan(ua, [&](std::uint16_t id) { found.insert(id); });
  if (expected != found) std::abort();

  classify::Observation o;
  o.open = flags & 1;
  o.navigation = !o.open && (flags & 2);
  o.user_agent = ua;
  o.referer = referer;
  o.ip = net::IpAddress::parse(address);
  o.earlier_reasons = address;
  o.evidence = flags >> 2;
  o.time_ms = 1790000000000 + (flags & 0x1f) * 1000;
  o.sent_at = 1790000000;
  classify::MessageEvidence m;
  m.burst_links = flags & 7;
  m.honeypot_near = flags & 0x80;
  const auto verdict = classifier.assess(o, m);
  if (verdict.reasons.empty() != (verdict.score == 0)) std::abort();
  return 0;
}
