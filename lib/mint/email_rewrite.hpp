// An HTML email with every link tracked, as `rewrite` and POST /api/v1/rewrite make it: the
// same ids on every link, the link's index as its link id, and optionally an open pixel and a
// honeypot link.
#pragma once

#include <string>
#include <string_view>

#include "mint/link_minter.hpp"
#include "rewrite/html_rewriter.hpp"
#include "token/fields.hpp"

namespace linktrack::mint {

struct EmailOptions {
  token::LinkFields ids;  // campaign, template, message, recipient, issued_at (url, link unused)
  bool open_pixel = false;
  bool honeypot = false;
};

std::string rewrite_email(std::string_view html, LinkMinter& minter, const EmailOptions& options,
                          rewrite::RewriteReport& report);

// {"rewritten": N, "skipped": [{"href", "reason"}], "pixel_added": bool, "honeypot_added": bool}
std::string report_json(const rewrite::RewriteReport& report);

}  // namespace linktrack::mint
