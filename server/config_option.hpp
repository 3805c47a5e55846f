// The -c/--config option shared by every command that reads a config, and loading it with
// every error printed.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "config/validate.hpp"

namespace linktrack::cli {

inline constexpr const char* kDefaultConfig = "/etc/linktrack/linktrack.yaml";

void add_config_option(CLI::App& cmd, std::string& path);

// The loaded config, or null after printing every error to stderr. Commands other than `serve`
// and `check-config` load for the tools: no listeners, certificates or deep-link files needed.
std::shared_ptr<const config::Config> load_or_report(
    const std::string& path, config::Purpose purpose = config::Purpose::tools);

}  // namespace linktrack::cli
