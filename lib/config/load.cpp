#include "config/load.hpp"

#include "config/validate.hpp"

namespace linktrack::config {

LoadResult load_config(const std::string& path) {
  auto config = std::make_shared<Config>();
  SourceMap map;
  Diagnostics diag(path, &map);
  // Meaning is checked even after type errors, so an operator fixes everything in one pass.
  if (load_yaml(path, *config, map, diag)) validate(*config, diag);
  LoadResult result;
  result.errors = diag.format();
  result.warnings = diag.format_warnings();
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace linktrack::config
