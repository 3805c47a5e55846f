#include "config/bot_rules.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/load.hpp"
#include "util/ascii_case.hpp"
#include "util/did_you_mean.hpp"

namespace linktrack::config {
namespace {

namespace fs = std::filesystem;

// Reason names are stored with every event and grouped on: short, lower case, stable.
bool good_name(const std::string& name) {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  });
}

// Checks and resolves the lists of one source (a rules file, or the `bots` section), naming
// problems under `prefix` ("" for a rules file, "bots." for the section).
class RuleChecker {
 public:
  RuleChecker(Diagnostics& diag, std::string prefix, fs::path base)
      : diag_(diag), prefix_(std::move(prefix)), base_(std::move(base)) {}

  template <class Rule>
  void names(std::vector<Rule>& rules, const std::string& list) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const auto key = key_item(prefix_ + list, rules[i].source_index) + ".name";
      if (!good_name(rules[i].name))
        diag_.error(key, "'" + rules[i].name +
                             "': names are 1 to 32 lower-case letters, digits, '-' or '_'");
      for (std::size_t j = 0; j < i; ++j)
        if (rules[j].name == rules[i].name)
          diag_.error(key, "'" + rules[i].name + "' is also " +
                               key_item(prefix_ + list, rules[j].source_index));
    }
  }

  void user_agents(std::vector<UserAgentRule>& rules) {
    names(rules, "user_agents");
    for (auto& r : rules) {
      const auto key = key_item(prefix_ + "user_agents", r.source_index);
      if (r.contains.empty() && r.equals.empty()) diag_.error(key, "needs `contains` or `equals`");
      for (auto* list : {&r.contains, &r.equals})
        for (auto& s : *list) {
          if (s.empty()) diag_.error(key, "an empty string would match every user agent");
          s = util::ascii_lower(s);
        }
    }
  }

  void networks(std::vector<NetworkRule>& rules) {
    names(rules, "networks");
    for (auto& r : rules) {
      const auto key = key_item(prefix_ + "networks", r.source_index);
      if (r.cidrs.empty() && !r.file) diag_.error(key, "needs `cidrs` or `file`");
      for (std::size_t i = 0; i < r.cidrs.size(); ++i) {
        if (auto c = net::Cidr::parse(r.cidrs[i]))
          r.ranges.push_back(*c);
        else
          diag_.error(key + ".cidrs", "'" + r.cidrs[i] + "' is not an address or CIDR range");
      }
      if (r.file) file_ranges(r, key + ".file");
    }
  }

  void referers(std::vector<RefererRule>& rules) {
    names(rules, "referers");
    for (auto& r : rules) {
      const auto key = key_item(prefix_ + "referers", r.source_index) + ".hosts";
      for (auto& h : r.hosts) {
        h = util::ascii_lower(h);
        const std::string bare = h.starts_with("*.") ? h.substr(2) : h;
        if (bare.empty() || bare.find_first_of("*/:@ ") != std::string::npos)
          diag_.error(key, "'" + h + "': expected a host name or *.domain");
      }
    }
  }

 private:
  // A published list saved as text: one address or range a line, '#' comments.
  void file_ranges(NetworkRule& r, const std::string& key) {
    fs::path p(*r.file);
    if (p.is_relative()) p = base_ / p;
    r.file = p.lexically_normal().string();
    std::ifstream in(*r.file);
    if (!in) return diag_.error(key, "cannot read file " + *r.file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      line = line.substr(0, line.find('#'));
      const auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos) continue;
      const auto text = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
      if (auto c = net::Cidr::parse(text))
        r.ranges.push_back(*c);
      else
        diag_.error(key, *r.file + ":" + std::to_string(n) + ": '" + text +
                             "' is not an address or CIDR range");
    }
  }

  Diagnostics& diag_;
  std::string prefix_;
  fs::path base_;
};

void check_all(RuleChecker& check, std::vector<UserAgentRule>& ua, std::vector<NetworkRule>& net,
               std::vector<RefererRule>& ref) {
  check.user_agents(ua);
  check.networks(net);
  check.referers(ref);
}

// An entry of the operator's replaces the file's entry of the same name, or is added.
template <class Rule>
void merge(std::vector<Rule>& into, const std::vector<Rule>& extra) {
  for (const auto& r : extra) {
    auto same =
        std::find_if(into.begin(), into.end(), [&](const Rule& x) { return x.name == r.name; });
    if (same != into.end())
      *same = r;
    else
      into.push_back(r);
  }
}

// Drops the entry a `disable` item names ("ua:slackbot", "net:cloud", "ref:safelinks").
bool drop(BotRules& rules, const std::string& reason) {
  auto erase = [&](auto& list, std::string_view prefix) {
    if (!reason.starts_with(prefix)) return false;
    const auto name = reason.substr(prefix.size());
    return std::erase_if(list, [&](const auto& r) { return r.name == name; }) > 0;
  };
  return erase(rules.user_agents, "ua:") || erase(rules.networks, "net:") ||
         erase(rules.referers, "ref:");
}

std::vector<std::string> reason_names(const BotRules& rules) {
  std::vector<std::string> out;
  for (const auto& r : rules.user_agents) out.push_back("ua:" + r.name);
  for (const auto& r : rules.networks) out.push_back("net:" + r.name);
  for (const auto& r : rules.referers) out.push_back("ref:" + r.name);
  return out;
}

}  // namespace

void resolve_bot_rules(Config& c, Diagnostics& diag, std::vector<std::string>& rules_file_errors) {
  const fs::path config_dir = fs::path(c.source_file).parent_path();
  BotRules rules;
  std::string text;
  fs::path rules_dir = config_dir;
  if (c.bots.rules == "built-in") {
    rules.source = "built-in";
    text = builtin_bot_rules();
  } else {
    fs::path p(c.bots.rules);
    if (p.is_relative()) p = config_dir / p;
    rules.source = p.lexically_normal().string();
    rules_dir = fs::path(rules.source).parent_path();
    std::ifstream in(rules.source, std::ios::binary);
    if (!in) return diag.error("bots.rules", "cannot read file " + rules.source);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  SourceMap map;
  Diagnostics file_diag(rules.source == "built-in" ? "built-in bots.yaml" : rules.source, &map);
  if (load_bot_rules_text(text, rules, map, file_diag)) {
    RuleChecker check(file_diag, "", rules_dir);
    check_all(check, rules.user_agents, rules.networks, rules.referers);
  }
  for (auto& e : file_diag.format()) rules_file_errors.push_back(std::move(e));

  RuleChecker check(diag, "bots.", config_dir);
  check_all(check, c.bots.user_agents, c.bots.networks, c.bots.referers);
  const auto known = reason_names(rules);
  for (std::size_t i = 0; i < c.bots.disable.size(); ++i) {
    if (drop(rules, c.bots.disable[i])) continue;
    std::string msg =
        "no rule named '" + c.bots.disable[i] + "' (write ua:NAME, net:NAME or ref:NAME)";
    if (auto guess = util::closest(c.bots.disable[i], known))
      msg += "; did you mean '" + *guess + "'?";
    diag.error(diag.item_key("bots.disable", i), msg);
  }
  merge(rules.user_agents, c.bots.user_agents);
  merge(rules.networks, c.bots.networks);
  merge(rules.referers, c.bots.referers);
  if (c.bots.thresholds) rules.thresholds = *c.bots.thresholds;
  // The classifier tracks an address's lists as the bits of one 64-bit word.
  if (rules.networks.size() > 64)
    diag.error("bots.networks", std::to_string(rules.networks.size()) +
                                    " network lists in all; at most 64 (a list holds any number "
                                    "of ranges)");
  if (rules.thresholds.bot < rules.thresholds.suspect)
    diag.error(c.bots.thresholds ? "bots.thresholds.bot" : "bots.rules",
               "the bot threshold (" + std::to_string(rules.thresholds.bot) +
                   ") is below the suspect threshold (" + std::to_string(rules.thresholds.suspect) +
                   ")");
  c.bot_rules = std::move(rules);
}

}  // namespace linktrack::config
