#include "config_option.hpp"

#include <iostream>

#include "config/load.hpp"

namespace linktrack::cli {

void add_config_option(CLI::App& cmd, std::string& path) {
  path = kDefaultConfig;
  cmd.add_option("-c,--config", path, "Config file")->capture_default_str();
}

std::shared_ptr<const config::Config> load_or_report(const std::string& path,
                                                     config::Purpose purpose) {
  auto result = config::load_config(path, purpose);
  for (const auto& w : result.warnings) std::cerr << w << "\n";
  for (const auto& e : result.errors) std::cerr << e << "\n";
  return result.config;
}

}  // namespace linktrack::cli
