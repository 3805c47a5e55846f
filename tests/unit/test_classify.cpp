// classify: each signal alone, their combinations, the matchers, message evidence, and the
// built-in rules file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "classify/classifier.hpp"
#include "classify/evidence.hpp"
#include "classify/message_window.hpp"
#include "classify/network_table.hpp"
#include "classify/substring_set.hpp"
#include "config/bot_rules.hpp"
#include "config/load.hpp"

using namespace linktrack;
using classify::Verdict;

namespace {

constexpr std::int64_t kSent = 1790000000;  // the send time, Unix seconds

const char* kChrome =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36";

// The built-in rules, as a config without a `bots` section gets them.
const config::BotRules& builtin() {
  static const config::BotRules rules = [] {
    config::Config c;
    config::SourceMap map;
    config::Diagnostics diag("test.yaml", &map);
    std::vector<std::string> errors;
    config::resolve_bot_rules(c, diag, errors);
    REQUIRE(errors.empty());
    REQUIRE(diag.ok());
    return c.bot_rules;
  }();
  return rules;
}

// A browser's click over HTTPS, a minute after sending, from a home network.
classify::Observation person() {
  classify::Observation o;
  o.navigation = true;
  o.user_agent = kChrome;
  o.ip = net::IpAddress::parse("198.51.100.23");
  o.evidence = classify::evidence::accept | classify::evidence::accept_language |
               classify::evidence::sec_fetch | classify::evidence::navigate |
               classify::evidence::secure;
  o.sent_at = kSent;
  o.time_ms = (kSent + 60) * 1000;
  return o;
}

classify::MessageEvidence burst(int links) {
  classify::MessageEvidence m;
  m.burst_links = links;
  return m;
}

classify::MessageEvidence near_honeypot() {
  classify::MessageEvidence m;
  m.honeypot_near = true;
  return m;
}

classify::Assessment judge(const classify::Observation& o, classify::MessageEvidence m = {}) {
  static const classify::Classifier c(builtin());
  return c.assess(o, m);
}

}  // namespace

TEST_CASE("a browser's click a minute after sending is a person's, with no reasons") {
  const auto a = judge(person());
  CHECK(a.verdict == Verdict::human);
  CHECK(a.reasons.empty());
  CHECK(a.score == 0);
}

TEST_CASE("user agents of previews, libraries, headless browsers and crawlers are bots alone") {
  for (const char* ua :
       {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "curl/8.5.0",
        "python-requests/2.31.0", "Go-http-client/1.1",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "TelegramBot (like TwitterBot)", "WhatsApp/2.23.20.0 A"}) {
    auto o = person();
    o.user_agent = ua;
    INFO(ua);
    const auto a = judge(o);
    CHECK(a.verdict == Verdict::bot);
    CHECK(a.reasons.starts_with("ua:"));
  }
}

TEST_CASE("an empty user agent and a prefetch are bots; a honeypot click is a bot") {
  auto o = person();
  o.user_agent = "";
  CHECK(judge(o).reasons.find("ua:empty") != std::string::npos);
  CHECK(judge(o).verdict == Verdict::bot);
  o = person();
  o.evidence |= classify::evidence::prefetch;
  CHECK(judge(o).verdict == Verdict::bot);
  CHECK(judge(o).reasons == "prefetch");
  o = person();
  o.evidence |= classify::evidence::honeypot;
  CHECK(judge(o).verdict == Verdict::bot);
  CHECK(judge(o).reasons == "honeypot");
}

TEST_CASE("a mail gateway's network makes a browser-looking click suspect, not a bot") {
  auto o = person();
  o.ip = net::IpAddress::parse("205.139.110.30");  // Mimecast
  auto a = judge(o);
  CHECK(a.reasons == "net:mimecast");
  CHECK(a.verdict == Verdict::suspect);
  // Exchange Online Protection lies inside Microsoft's Azure ranges: both lists hold it.
  o.ip = net::IpAddress::parse("40.107.22.5");
  CHECK(judge(o).reasons == "net:microsoft net:cloud");
  o.ip = net::IpAddress::parse("2a01:111:f400:fe00::1");
  CHECK(judge(o).reasons == "net:microsoft");
  CHECK(judge(o).verdict == Verdict::suspect);
}

TEST_CASE("signals that can be wrong about people do not flag a person alone") {
  SECTION("a click 20 s after sending") {
    auto o = person();
    o.time_ms = (kSent + 20) * 1000;
    CHECK(judge(o).verdict == Verdict::human);
  }
  SECTION("a click 10 s after sending: noted, still a person") {
    auto o = person();
    o.time_ms = (kSent + 10) * 1000;
    CHECK(judge(o).reasons == "fast:10s");
    CHECK(judge(o).verdict == Verdict::human);
  }
  SECTION("two links of one message seconds apart") {
    CHECK(judge(person(), burst(2)).verdict == Verdict::human);
  }
  SECTION("three links within seconds: noted, still a person") {
    CHECK(judge(person(), burst(3)).reasons == "burst:3/3s");
    CHECK(judge(person(), burst(3)).verdict == Verdict::human);
  }
  SECTION("a cloud network (a VPN)") {
    auto o = person();
    o.ip = net::IpAddress::parse("3.5.140.2");
    CHECK(judge(o).reasons == "net:cloud");
    CHECK(judge(o).verdict == Verdict::human);
  }
  SECTION("a click through a Safe Links wrapper") {
    auto o = person();
    o.referer = "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fx";
    CHECK(judge(o).reasons == "ref:safelinks");
    CHECK(judge(o).verdict == Verdict::human);
  }
  SECTION("an old Safari without Fetch Metadata, and plain HTTP") {
    auto o = person();
    o.user_agent =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/15.6 Mobile/15E148 Safari/604.1";
    o.evidence &= ~(classify::evidence::sec_fetch | classify::evidence::navigate);
    CHECK(judge(o).verdict == Verdict::human);
    o = person();
    o.evidence &= ~(classify::evidence::sec_fetch | classify::evidence::navigate |
                    classify::evidence::secure);
    CHECK(judge(o).verdict == Verdict::human);
  }
}

TEST_CASE("signals add up: a scanner with a browser's user agent") {
  SECTION("no Fetch Metadata from a browser that sends it, and no Accept-Language") {
    auto o = person();
    o.evidence = classify::evidence::accept | classify::evidence::secure;
    const auto a = judge(o);
    CHECK(a.reasons == "headers:no-accept-language headers:no-sec-fetch");
    CHECK(a.verdict == Verdict::suspect);
  }
  SECTION("full browser headers, from an unlisted network, 2 s after sending, all links") {
    auto o = person();
    o.time_ms = (kSent + 2) * 1000;
    const auto a = judge(o, burst(6));
    CHECK(a.reasons == "fast:2s burst:6/3s");
    CHECK(a.verdict == Verdict::bot);
  }
  SECTION("from a gateway, seconds after sending") {
    auto o = person();
    o.ip = net::IpAddress::parse("148.163.150.1");  // Proofpoint
    o.time_ms = (kSent + 3) * 1000;
    CHECK(judge(o).verdict == Verdict::bot);
  }
  SECTION("near a honeypot click of the same message") {
    CHECK(judge(person(), near_honeypot()).verdict == Verdict::bot);
  }
  SECTION("a fetch that is not a navigation") {
    auto o = person();
    o.evidence &= ~classify::evidence::navigate;
    o.time_ms = (kSent + 12) * 1000;
    CHECK(judge(o).reasons == "headers:not-navigation fast:12s");
    CHECK(judge(o).verdict == Verdict::suspect);
  }
}

TEST_CASE("opens: Apple's proxy and image proxies are machines; Outlook's reader is not") {
  classify::Observation o;
  o.open = true;
  o.user_agent = "Mozilla/5.0";
  o.ip = net::IpAddress::parse("17.58.1.2");
  auto a = judge(o);
  CHECK(a.reasons == "ua:apple-mpp net:apple");
  CHECK(a.verdict == Verdict::bot);
  o.user_agent =
      "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
  o.ip = net::IpAddress::parse("66.102.8.1");
  CHECK(judge(o).verdict == Verdict::bot);
  o.user_agent =
      "Mozilla/4.0 (compatible; ms-office; MSOffice 16) Microsoft Outlook 16.0.17029; Pro";
  o.ip = net::IpAddress::parse("198.51.100.23");
  CHECK(judge(o).verdict == Verdict::human);  // a person reading in Outlook
  classify::Observation click = person();
  click.user_agent = o.user_agent;
  CHECK(judge(click).reasons.starts_with("ua:ms-office"));  // Office checking a link first
}

TEST_CASE("Apple's network counts for opens only: its staff click links too") {
  auto o = person();
  o.ip = net::IpAddress::parse("17.58.1.2");
  CHECK(judge(o).reasons.empty());
}

TEST_CASE("without a stored address, re-scoring keeps the network reasons found when logged") {
  auto o = person();
  o.ip.reset();
  o.earlier_reasons = "net:mimecast fast:2s net:gone";
  CHECK(judge(o).reasons == "net:mimecast");
}

TEST_CASE("evidence bits from headers") {
  using namespace classify::evidence;
  auto bits = [](auto set) {
    classify::RequestHeaders h;
    set(h);
    return classify::evidence_of(h);
  };
  CHECK(bits([](auto&) {}) == 0);
  CHECK(bits([](auto& h) {
          h.accept = "text/html";
          h.accept_language = "en";
          h.sec_fetch_mode = "navigate";
          h.secure = true;
        }) == (accept | accept_language | sec_fetch | navigate | secure));
  CHECK(bits([](auto& h) { h.sec_fetch_mode = "no-cors"; }) == sec_fetch);
  CHECK(bits([](auto& h) { h.sec_purpose = "prefetch;prerender"; }) == prefetch);
  CHECK(bits([](auto& h) { h.purpose = "prefetch"; }) == prefetch);
  CHECK(bits([](auto& h) { h.x_purpose = "preview"; }) == prefetch);
  CHECK(bits([](auto& h) { h.x_moz = "prefetch"; }) == prefetch);
}

TEST_CASE("the substring set finds every pattern, overlapping, in either case") {
  classify::SubstringSet set({"he", "she", "his", "hers", "bot/"}, {0, 1, 2, 3, 4});
  std::vector<int> found;
  set.scan("uSHErs and Bot/1", [&](std::uint16_t id) { found.push_back(id); });
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<int>{0, 1, 3, 4});
  found.clear();
  set.scan("nothing here at all", [&](std::uint16_t id) { found.push_back(id); });
  CHECK(found == std::vector<int>{0});  // "here"
  classify::SubstringSet empty;
  empty.scan("anything", [&](std::uint16_t) { FAIL("no patterns"); });
}

TEST_CASE("the substring set agrees with a search per pattern on the built-in user agents") {
  std::vector<std::string> patterns;
  std::vector<std::uint16_t> ids;
  for (const auto& r : builtin().user_agents)
    for (const auto& s : r.contains) {
      patterns.push_back(s);
      ids.push_back(static_cast<std::uint16_t>(patterns.size() - 1));
    }
  classify::SubstringSet set(patterns, ids);
  for (std::string text :
       {std::string(kChrome), std::string("Mozilla/5.0 (compatible; bingbot/2.0)"),
        std::string("XcUrL/1 sLaCkBoT spider"), std::string("")}) {
    std::string lower = text;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::set<int> expected, found;
    for (std::size_t i = 0; i < patterns.size(); ++i)
      if (lower.find(patterns[i]) != std::string::npos) expected.insert(static_cast<int>(i));
    set.scan(text, [&](std::uint16_t id) { found.insert(id); });
    INFO(text);
    CHECK(found == expected);
  }
}

TEST_CASE("network table: nested and overlapping lists, both families, the edges of space") {
  auto cidrs = [](std::initializer_list<const char*> list) {
    std::vector<net::Cidr> out;
    for (auto* s : list) out.push_back(*net::Cidr::parse(s));
    return out;
  };
  classify::NetworkTable t({cidrs({"10.0.0.0/8"}), cidrs({"10.1.0.0/16", "2001:db8::/32"}),
                            cidrs({"0.0.0.0/0"}), cidrs({"255.255.255.255/32", "::/0"})});
  auto in = [&](const char* a) { return t.lists_containing(*net::IpAddress::parse(a)); };
  CHECK(in("10.1.2.3") == 0b0111);
  CHECK(in("10.2.0.0") == 0b0101);
  CHECK(in("11.0.0.0") == 0b0100);
  CHECK(in("255.255.255.255") == 0b1100);
  CHECK(in("2001:db8::1") == 0b1010);
  CHECK(in("2001:db9::1") == 0b1000);
  CHECK(in("::ffff:10.1.0.1") == 0b0111);  // a mapped address is its IPv4 self
}

TEST_CASE("message window: bursts by distinct link per network, honeypot neighbours") {
  config::BotSignals s;
  classify::MessageWindow w(s);
  auto ev = [](std::int64_t id, std::int64_t ms, const char* net, const char* link,
               bool hp = false) { return classify::WindowEvent{id, ms, "m1", net, link, hp}; };
  w.add(ev(1, 1000, "203.0.113.0", "a"));
  w.add(ev(2, 1500, "203.0.113.0", "a"));  // the same link again
  CHECK(w.evidence(1).burst_links == 1);
  w.add(ev(3, 2000, "203.0.113.0", "b"));
  w.add(ev(4, 60000, "198.51.100.0", "c"));  // another network: another person
  CHECK(w.evidence(3).burst_links == 2);
  const auto added = w.add(ev(5, 2500, "203.0.113.0", "c"));  // a new link: its neighbours
  CHECK(added.changed == std::vector<std::int64_t>{5, 1, 2, 3});
  CHECK(w.add(ev(8, 2600, "203.0.113.0", "c")).changed ==
        std::vector<std::int64_t>{8});  // the same link again changes nothing for the others
  CHECK(w.evidence(1).burst_links == 3);
  CHECK(w.evidence(4).burst_links == 1);
  CHECK_FALSE(w.evidence(1).honeypot_near);
  w.add(ev(6, 300000, "203.0.113.0", "", true));  // the honeypot, 5 minutes later
  CHECK(w.evidence(1).honeypot_near);
  CHECK_FALSE(w.evidence(4).honeypot_near);
  CHECK_FALSE(w.evidence(6).honeypot_near);  // not its own neighbour
  CHECK(w.evidence(6).burst_links == 0);
  CHECK(w.add({7, 1000, "", "x", "a", false}).changed == std::vector<std::int64_t>{7});
  CHECK(w.expire(300000 + 601000).size() == 7);
  CHECK(w.groups() == 0);
}

TEST_CASE("message window: bounded, whatever a client replays") {
  config::BotSignals s;
  classify::MessageWindow w(s, 1000);
  std::size_t forgotten = 0;
  for (std::int64_t i = 0; i < 100000; ++i) {
    // One token replayed from one address, and a flood of messages from many.
    auto added = w.add(
        {i, 1000 + i, i % 2 ? "same" : "m" + std::to_string(i), "198.51.100.0", "hero", false});
    CHECK(added.changed.size() <= classify::MessageWindow::kGroupEvents + 1);
    forgotten += added.forgotten.size();
    if (i % 1000 == 0) forgotten += w.expire(1000 + i).size();
  }
  forgotten += w.expire(1000 + 100000).size();
  CHECK(w.events() <= 1000);
  CHECK(forgotten + w.events() == 100000);  // every id leaves exactly once
  CHECK(w.evidence(99999).burst_links == 1);
}

TEST_CASE("the bots section: disable, replace, add, thresholds; errors name the key") {
  const auto dir = std::string(LINKTRACK_TEST_DATA) + "/unit/fixtures";
  config::Config c;
  c.source_file = dir + "/x.yaml";
  c.bots.disable = {"ua:slackbot", "net:cloud"};
  config::UserAgentRule mine;
  mine.name = "curl-ok";  // added
  mine.contains = {"InternalChecker"};
  mine.points = 1;
  config::UserAgentRule replaced;
  replaced.name = "monitor";
  replaced.contains = {"mymonitor"};
  c.bots.user_agents = {mine, replaced};
  c.bots.thresholds = config::BotThresholds{4, 8};
  config::SourceMap map;
  config::Diagnostics diag(c.source_file, &map);
  std::vector<std::string> errors;
  config::resolve_bot_rules(c, diag, errors);
  REQUIRE(diag.ok());
  const auto& r = c.bot_rules;
  auto has = [](const auto& list, const char* name) {
    return std::any_of(list.begin(), list.end(), [&](const auto& x) { return x.name == name; });
  };
  CHECK_FALSE(has(r.user_agents, "slackbot"));
  CHECK_FALSE(has(r.networks, "cloud"));
  CHECK(has(r.user_agents, "curl-ok"));
  CHECK(r.user_agents.back().contains == std::vector<std::string>{"internalchecker"});
  auto monitor = std::find_if(r.user_agents.begin(), r.user_agents.end(),
                              [](const auto& x) { return x.name == "monitor"; });
  CHECK(monitor->contains == std::vector<std::string>{"mymonitor"});
  CHECK(r.thresholds.suspect == 4);

  c.bots.disable = {"ua:slakbot"};
  config::Diagnostics bad(c.source_file, &map);
  config::resolve_bot_rules(c, bad, errors);
  REQUIRE(bad.format().size() == 1);
  CHECK(bad.format()[0].find("bots.disable: no rule named 'ua:slakbot'") != std::string::npos);
  CHECK(bad.format()[0].find("did you mean 'ua:slackbot'") != std::string::npos);
}

TEST_CASE("a rules file with mistakes: each error names that file, its line and the key") {
  config::BotRules rules;
  config::SourceMap map;
  config::Diagnostics diag("rules.yaml", &map);
  CHECK(config::load_bot_rules_text("user_agents:\n  - name: x\n    contanis: [a]\n", rules, map,
                                    diag));
  REQUIRE(diag.format().size() == 1);
  CHECK(diag.format()[0].find("rules.yaml:3:") == 0);
  CHECK(diag.format()[0].find("did you mean 'contains'") != std::string::npos);
}

TEST_CASE("at most 64 network lists in all, however many ranges each holds") {
  config::Config c;
  for (int i = 0; i < 60; ++i) {
    config::NetworkRule n;
    n.source_index = static_cast<std::size_t>(i);
    n.name = "n" + std::to_string(i);
    n.cidrs = {"192.0.2." + std::to_string(i) + "/32"};
    c.bots.networks.push_back(n);
  }
  config::SourceMap map;
  config::Diagnostics diag("x.yaml", &map);
  std::vector<std::string> errors;
  config::resolve_bot_rules(c, diag, errors);
  REQUIRE(diag.format().size() == 1);
  CHECK(diag.format()[0].find("at most 64") != std::string::npos);
}
