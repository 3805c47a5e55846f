#include "config/load.hpp"

#include "config/bot_rules.hpp"
#include "config/validate.hpp"

namespace linktrack::config {

LoadResult load_config(const std::string& path, Purpose purpose) {
  auto config = std::make_shared<Config>();
  SourceMap map;
  Diagnostics diag(path, &map);
  // Meaning is checked even after type errors, so an operator fixes everything in one pass.
  std::vector<std::string> rules_file_errors;
  if (load_yaml(path, *config, map, diag)) {
    validate(*config, diag, purpose);
    resolve_bot_rules(*config, diag, rules_file_errors);
  }
  LoadResult result;
  result.errors = diag.format();
  result.errors.insert(result.errors.end(), rules_file_errors.begin(), rules_file_errors.end());
  result.warnings = diag.format_warnings();
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace linktrack::config
