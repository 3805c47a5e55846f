// The link-field options shared by `sign` and `rewrite`.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "token/fields.hpp"

namespace linktrack::cli {

struct LinkOptions {
  std::optional<std::string> campaign, template_id, message, recipient;
  void add_to(CLI::App& cmd) {
    cmd.add_option("--campaign", campaign, "Campaign id");
    cmd.add_option("--template", template_id, "Template id");
    cmd.add_option("--message", message, "Message id (hex and UUID ids are stored compactly)");
    cmd.add_option("--recipient", recipient, "Recipient id");
  }
  void apply(token::LinkFields& f) const {
    f.campaign = campaign;
    f.template_id = template_id;
    f.message = message;
    f.recipient = recipient;
  }
};

}  // namespace linktrack::cli
