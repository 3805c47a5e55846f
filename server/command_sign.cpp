#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "config_option.hpp"
#include "link_options.hpp"
#include "mint/link_minter.hpp"
#include "util/duration.hpp"

namespace linktrack::cli {
namespace {

struct SignArgs {
  std::string config_path, domain, url, expires, base_url;
  std::optional<std::string> link;
  LinkOptions ids;
  bool open = false;
  bool honeypot = false;
  bool batch = false;
};

std::optional<std::int64_t> expiry(const std::string& text, std::int64_t now, std::string& error) {
  if (text.empty()) return std::nullopt;
  auto seconds = util::parse_duration_seconds(text);
  if (!seconds) {
    error = "--expires wants a duration such as 30d, 12h, 45m or seconds";
    return std::nullopt;
  }
  return now + *seconds;
}

// One JSON line of --batch: {"url": ..., "campaign": ..., "link": 3, "expires": "30d", "open":
// false, "honeypot": false, "sent_at": UNIX_SECONDS}
token::LinkFields fields_from_json(const nlohmann::json& j, std::int64_t now) {
  if (!j.is_object()) throw std::invalid_argument("expected a JSON object");
  static const std::vector<std::string> known = {"url",       "campaign", "template", "message",
                                                 "recipient", "link",     "expires",  "open",
                                                 "honeypot",  "sent_at"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw std::invalid_argument("unknown field '" + key + "'");
  }
  auto id = [&](const char* name) -> std::optional<std::string> {
    if (!j.contains(name) || j[name].is_null()) return std::nullopt;
    const auto& v = j[name];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return v.dump();
    throw std::invalid_argument(std::string("'") + name + "' must be a string or an integer");
  };
  token::LinkFields f;
  f.issued_at = now;
  auto flag = [&](const char* name) {
    if (!j.contains(name)) return false;
    if (!j[name].is_boolean())
      throw std::invalid_argument(std::string("'") + name + "' must be true or false");
    return j[name].get<bool>();
  };
  f.kind = flag("open")       ? token::Kind::open
           : flag("honeypot") ? token::Kind::honeypot
                              : token::Kind::click;
  if (j.contains("sent_at")) {
    if (!j["sent_at"].is_number_integer())
      throw std::invalid_argument("'sent_at' must be Unix seconds (an integer)");
    f.issued_at = j["sent_at"].get<std::int64_t>();
  }
  if (j.contains("url")) f.url = j["url"].get<std::string>();
  f.campaign = id("campaign");
  f.template_id = id("template");
  f.message = id("message");
  f.recipient = id("recipient");
  f.link = id("link");
  if (j.contains("expires")) {
    std::string error;
    f.expires_at = expiry(j["expires"].get<std::string>(), f.issued_at, error);
    if (!error.empty()) throw std::invalid_argument(error);
  }
  return f;
}

int sign(const SignArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  auto minter = minter_or_report(*config, a.domain, a.base_url);
  if (!minter) return 1;
  const std::int64_t now = std::time(nullptr);
  if (!a.batch) {
    token::LinkFields f;
    f.issued_at = now;
    f.kind = a.open ? token::Kind::open : a.honeypot ? token::Kind::honeypot : token::Kind::click;
    f.url = a.url;
    a.ids.apply(f);
    f.link = a.link;
    std::string error;
    f.expires_at = expiry(a.expires, f.issued_at, error);
    if (!error.empty()) {
      std::cerr << "error: " << error << "\n";
      return 1;
    }
    try {
      std::cout << minter->mint(f) << "\n";
      return 0;
    } catch (const std::invalid_argument& e) {
      std::cerr << "error: " << e.what() << "\n";
      return 1;
    }
  }
  // Batch: one URL a line, in order; a bad line leaves an empty line so the order holds.
  int failures = 0;
  std::string line;
  std::string out;
  for (long number = 1; std::getline(std::cin, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      out += "\n";
      continue;
    }
    try {
      out += minter->mint(fields_from_json(nlohmann::json::parse(line), now));
    } catch (const std::exception& e) {
      ++failures;
      std::cerr << "stdin:" << number << ": " << e.what() << "\n";
    }
    out += "\n";
    if (out.size() > 1 << 16) {
      std::cout << out;
      out.clear();
    }
  }
  std::cout << out << std::flush;
  return failures ? 1 : 0;
}

}  // namespace

void add_sign(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<SignArgs>();
  auto* cmd = app.add_subcommand("sign", "Mint a tracked URL");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("--domain", a->domain, "Tracking domain (a configured host or alias)")
      ->required();
  auto* url = cmd->add_option("--url", a->url, "Destination URL (absolute http or https)");
  a->ids.add_to(*cmd);
  cmd->add_option("--link", a->link, "Link id: a name or the link's index");
  cmd->add_option("--expires", a->expires, "Expire after this long (30d, 12h, 45m, seconds)");
  cmd->add_flag("--open", a->open, "Mint an open-tracking pixel URL (/o/) instead of a click");
  cmd->add_flag(
      "--honeypot", a->honeypot,
      "Mint a honeypot link (no destination) to hide in the email: its clicks are machines'");
  cmd->add_flag("--batch", a->batch,
                "Read JSON lines on stdin ({\"url\":…,\"campaign\":…}), write one URL a line");
  cmd->add_option("--base-url", a->base_url,
                  "Scheme and authority of the minted URLs (default https://DOMAIN, or http:// "
                  "when the domain has no TLS), e.g. https://links.localhost:8443");
  cmd->callback([a, url, &exit_code] {
    if (!a->batch && !a->open && !a->honeypot && url->count() == 0) {
      std::cerr << "error: --url is required (or --batch, or --open)\n";
      exit_code = 1;
      return;
    }
    exit_code = sign(*a);
  });
}

}  // namespace linktrack::cli
