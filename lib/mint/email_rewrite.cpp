#include "mint/email_rewrite.hpp"

#include <nlohmann/json.hpp>
#include <optional>

namespace linktrack::mint {

std::string rewrite_email(std::string_view html, LinkMinter& minter, const EmailOptions& options,
                          rewrite::RewriteReport& report) {
  auto track = [&](const std::string& url, const std::string& link_id) {
    token::LinkFields f = options.ids;
    f.kind = token::Kind::click;
    f.url = url;
    f.link = link_id;
    return minter.mint(f);
  };
  // The open pixel and the honeypot: links of the email without a destination of their own.
  auto extra = [&](bool wanted, token::Kind kind) -> std::optional<std::string> {
    if (!wanted) return std::nullopt;
    token::LinkFields f = options.ids;
    f.kind = kind;
    f.url.clear();
    f.link.reset();
    return minter.mint(f);
  };
  const auto pixel = extra(options.open_pixel, token::Kind::open);
  const auto honeypot = extra(options.honeypot, token::Kind::honeypot);
  return rewrite::rewrite_html(html, track, pixel, report, honeypot);
}

std::string report_json(const rewrite::RewriteReport& report) {
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : report.skipped) skipped.push_back({{"href", s.href}, {"reason", s.reason}});
  return nlohmann::json{{"rewritten", report.rewritten},
                        {"skipped", skipped},
                        {"pixel_added", report.pixel_added},
                        {"honeypot_added", report.honeypot_added}}
      .dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

}  // namespace linktrack::mint
