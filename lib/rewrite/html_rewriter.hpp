// Replaces the href of every <a> and <area> that points to an absolute http(s) URL with a
// tracked URL, leaving every other byte of the document as it was.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linktrack::rewrite {

struct SkippedLink {
  std::string href;    // as decoded
  std::string reason;  // "mailto", "placeholder", "opted out", …
};

struct RewriteReport {
  std::size_t rewritten = 0;
  std::vector<SkippedLink> skipped;
  bool pixel_added = false;
  bool honeypot_added = false;
};

// Returns the tracked URL for (destination, link id). May throw std::invalid_argument for a
// destination it refuses; that link is then skipped and reported.
using TrackFn = std::function<std::string(const std::string& url, const std::string& link_id)>;

// `pixel_url`, when set, is added as a 1x1 image just before </body> (at the end without one).
// `honeypot_url`, when set, is added there as a link that no person can see, reach or hear: an
// empty anchor, hidden (display:none, and mso-hide:all for Outlook's Word engine), out of the
// tab order and hidden from screen readers. Only a machine reading the links follows it.
std::string rewrite_html(std::string_view html, const TrackFn& track,
                         const std::optional<std::string>& pixel_url, RewriteReport& report,
                         const std::optional<std::string>& honeypot_url = std::nullopt);

}  // namespace linktrack::rewrite
