// libFuzzer target for the start-tag scanner behind `rewrite`: any input must scan without a
// crash or an out-of-bounds read, and every attribute span must lie inside the input.
// Agreement with gumbo is checked by the unit tests on generated documents instead: on raw
// bytes gumbo departs from HTML5 (it drops a NUL in an attribute name, and after a duplicate
// attribute `<a h h ref>` it reads the next name as "href"), so raw differences find gumbo's bugs.
//   cmake --build build-fuzz --target fuzz_start_tag_scanner
//   ./build-fuzz/fuzz_start_tag_scanner -max_total_time=60
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rewrite/start_tag_scanner.hpp"

using namespace linktrack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  const auto result = rewrite::scan_start_tags(html, [&](const rewrite::StartTag& tag) {
    if (tag.offset >= size || html[tag.offset] != '<') std::abort();
    for (const auto& a : tag.attributes) {
      if (a.name_offset + a.name.size() > size || a.value_offset + a.value_length > size)
        std::abort();
      if (a.quote && (a.value_length < 2 || html[a.value_offset] != a.quote ||
                      html[a.value_offset + a.value_length - 1] != a.quote))
        std::abort();
    }
  });
  if (result.body_end && html.substr(*result.body_end, 2) != "</") std::abort();
  return 0;
}
