// The bot rules in force: a rules file (config/bots.yaml, built in, or `bots.rules`) with the
// operator's additions, replacements and removals from the `bots` section.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostics.hpp"

namespace linktrack::config {

// config/bots.yaml as this binary was built with it.
const char* builtin_bot_rules();

// Fills c.bot_rules. Problems in the operator's `bots` section go to `diag`; problems inside a
// rules file are appended to `rules_file_errors`, formatted with that file's name and lines.
void resolve_bot_rules(Config& c, Diagnostics& diag, std::vector<std::string>& rules_file_errors);

}  // namespace linktrack::config
