// Reading a config file: the YAML loader fills the model, validation resolves and checks it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostics.hpp"
#include "config/validate.hpp"

namespace linktrack::config {

// Fills `out` from the YAML at `path`, recording positions in `map` and errors in `diag`.
// False when the file could not be read or parsed at all. The only code that knows yaml-cpp.
bool load_yaml(const std::string& path, Config& out, SourceMap& map, Diagnostics& diag);
bool load_yaml_text(const std::string& text, Config& out, SourceMap& map, Diagnostics& diag);
// The same for a bot rules file (config/bots.yaml's format).
bool load_bot_rules_text(const std::string& text, BotRules& out, SourceMap& map, Diagnostics& diag);

struct LoadResult {
  std::shared_ptr<const Config> config;  // null when there were errors
  std::vector<std::string> errors;       // "FILE:LINE:COL: KEY: message"
  std::vector<std::string> warnings;     // "FILE:LINE:COL: KEY: warning: message"
};

// Loads, validates and resolves the file (secrets, deep-link files, addresses), for serving
// or for the tools (config/validate.hpp, Purpose).
LoadResult load_config(const std::string& path, Purpose purpose = Purpose::serve);

}  // namespace linktrack::config
