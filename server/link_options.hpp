// The link-field options shared by `sign` and `rewrite`.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "config/host_index.hpp"
#include "mint/link_minter.hpp"
#include "token/fields.hpp"

namespace linktrack::cli {

struct LinkOptions {
  std::optional<std::string> campaign, template_id, message, recipient;
  std::optional<std::int64_t> sent_at;
  void add_to(CLI::App& cmd) {
    cmd.add_option("--campaign", campaign, "Campaign id");
    cmd.add_option("--template", template_id, "Template id");
    cmd.add_option("--message", message, "Message id (hex and UUID ids are stored compactly)");
    cmd.add_option("--recipient", recipient, "Recipient id");
    cmd.add_option("--sent-at", sent_at,
                   "When the email is sent, in Unix seconds (default: now); clicks seconds after "
                   "it count toward a machine verdict");
  }
  void apply(token::LinkFields& f) const {
    if (sent_at) f.issued_at = *sent_at;
    f.campaign = campaign;
    f.template_id = template_id;
    f.message = message;
    f.recipient = recipient;
  }
};

// A minter for `domain` (a configured host or alias), or null after saying why on stderr.
// `base_url` empty: the domain's default scheme and host.
inline std::unique_ptr<mint::LinkMinter> minter_or_report(const config::Config& config,
                                                          const std::string& domain,
                                                          const std::string& base_url) {
  const auto* d = config::HostIndex(config).find(domain);
  if (!d) {
    std::cerr << "error: " << domain << " is not a configured domain or alias\n";
    return nullptr;
  }
  return std::make_unique<mint::LinkMinter>(
      config, *d, domain, base_url.empty() ? std::nullopt : std::optional(base_url));
}

}  // namespace linktrack::cli
