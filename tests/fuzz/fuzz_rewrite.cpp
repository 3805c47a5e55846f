// libFuzzer target for `rewrite` end to end: any document, tracked links minted for real (the
// minter refuses what may not be signed, and that link is skipped), the pixel added. No crash,
// and never more links reported rewritten than were minted.
//   ./build-fuzz/fuzz_rewrite tests/fuzz/corpus/rewrite -max_total_time=60
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_common.hpp"
#include "mint/link_minter.hpp"
#include "rewrite/html_rewriter.hpp"

using namespace linktrack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto snap = fuzz::snapshot();
  static mint::LinkMinter minter(*snap->config, snap->config->domains[0], "links.example.com");
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  std::size_t minted = 0;
  rewrite::RewriteReport report;
  auto out = rewrite::rewrite_html(
      html,
      [&](const std::string& url, const std::string& link_id) {
        token::LinkFields f;
        f.url = url;
        f.link = link_id;
        f.issued_at = 1790000000;
        ++minted;
        return minter.mint(f);  // throws for what may not be signed: the link is skipped
      },
      std::string("https://links.example.com/o/pixel"), report);
  if (report.rewritten > minted) std::abort();
  if (out.size() + 64 < html.size() / 2) std::abort();  // the document is kept, not lost
  return 0;
}
