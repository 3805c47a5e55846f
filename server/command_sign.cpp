#include <ctime>
#include <iostream>

#include "commands.hpp"
#include "config_option.hpp"
#include "link_options.hpp"
#include "mint/link_item.hpp"
#include "mint/link_minter.hpp"
#include "mint/minters.hpp"
#include "util/duration.hpp"
#include "util/json_text.hpp"

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
  // Batch: one URL a line, in order; a bad line leaves an empty line so the order holds. A line
  // may name another domain than --domain.
  mint::Minters others(*config);
  int failures = 0;
  std::string line;
  std::string out;
  for (long number = 1; std::getline(std::cin, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      out += "\n";
      continue;
    }
    try {
      auto item = mint::link_item_from_json(util::parse_json(line), now);
      out += (item.domain ? others.get(*item.domain) : *minter).mint(item.fields);
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
