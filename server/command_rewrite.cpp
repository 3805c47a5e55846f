#include <ctime>
#include <iostream>
#include <iterator>
#include <map>

#include "commands.hpp"
#include "config_option.hpp"
#include "link_options.hpp"
#include "mint/email_rewrite.hpp"

namespace linktrack::cli {
namespace {

struct RewriteArgs {
  std::string config_path, domain, base_url;
  LinkOptions ids;
  bool open_pixel = false;
  bool honeypot = false;
};

int rewrite(const RewriteArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  auto minter = minter_or_report(*config, a.domain, a.base_url);
  if (!minter) return 1;
  const std::int64_t now = std::time(nullptr);
  std::string html((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());

  mint::EmailOptions options;
  options.ids.issued_at = now;
  a.ids.apply(options.ids);
  options.open_pixel = a.open_pixel;
  options.honeypot = a.honeypot;
  rewrite::RewriteReport report;
  std::cout << mint::rewrite_email(html, *minter, options, report) << std::flush;

  std::map<std::string, int> reasons;
  for (const auto& s : report.skipped) ++reasons[s.reason];
  std::cerr << "rewrote " << report.rewritten << " link(s), skipped " << report.skipped.size();
  for (const auto& [reason, n] : reasons) std::cerr << (n ? "; " : "") << n << " " << reason;
  std::cerr << (report.pixel_added ? "; added an open pixel" : "")
            << (report.honeypot_added ? "; added a honeypot link" : "") << "\n";
  for (const auto& s : report.skipped)
    std::cerr << "  skipped (" << s.reason << "): " << s.href << "\n";
  return 0;
}

}  // namespace

void add_rewrite(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<RewriteArgs>();
  auto* cmd = app.add_subcommand(
      "rewrite", "Read an HTML email on stdin; write it with every http(s) link tracked");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("--domain", a->domain, "Tracking domain (a configured host or alias)")
      ->required();
  a->ids.add_to(*cmd);
  cmd->add_flag("--open-pixel", a->open_pixel, "Add a 1x1 open-tracking image before </body>");
  cmd->add_flag("--honeypot", a->honeypot,
                "Add a link no person can see or reach: a click on it marks a machine");
  cmd->add_option("--base-url", a->base_url, "Scheme and authority of the tracked URLs");
  cmd->callback([a, &exit_code] { exit_code = rewrite(*a); });
}

}  // namespace linktrack::cli
