// libFuzzer target for the config: any YAML through the loader and validation must give a
// config or errors naming a position, never a crash; a config that loads builds a snapshot.
//   ./build-fuzz/fuzz_config tests/fuzz/corpus/config -max_total_time=60
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/load.hpp"
#include "config/validate.hpp"
#include "http/snapshot.hpp"

using namespace linktrack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Paths are read as files: devices that never end or block are not config input.
  if (text.find("/dev") != std::string::npos || text.find("/proc") != std::string::npos ||
      text.find("/sys") != std::string::npos)
    return 0;
  config::Config c;
  c.source_file = "/nonexistent/linktrack.yaml";
  config::SourceMap map;
  config::Diagnostics diag(c.source_file, &map);
  if (config::load_yaml_text(text, c, map, diag)) config::validate(c, diag);
  for (const auto& line : diag.format())
    if (line.rfind(c.source_file + ":", 0) != 0) std::abort();
  if (diag.ok()) (void)http::Snapshot::build(std::make_shared<const config::Config>(c));
  return 0;
}
