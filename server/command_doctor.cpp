#include <curl/curl.h>

#include <iostream>

#include "commands.hpp"
#include "config_option.hpp"
#include "doctor/probe.hpp"
#include "doctor/report.hpp"
#include "util/ascii_case.hpp"

namespace linktrack::cli {

void add_doctor(CLI::App& app, int& exit_code) {
  struct Args {
    std::string config_path, host, ca_file, target, format = "table";
    std::vector<std::string> resolve;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "doctor",
      "Check each domain as a client sees it (DNS, certificate, HSTS, http to https, deep-link "
      "files, /healthz, Host and client address through a CDN); exit 0 only when all pass");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("host", a->host, "Check only this name (a domain's host or an alias)");
  cmd->add_option("--resolve", a->resolve, "HOST:ADDRESS: connect to ADDRESS for HOST (repeatable)")
      ->allow_extra_args(false);  // one value each time: `--resolve A:1 HOST` keeps HOST
  cmd->add_option("--ca-file", a->ca_file, "Trust these CA certificates instead of the system's");
  cmd->add_option("--target", a->target, "The name (CNAME) or address each domain should point at");
  cmd->add_option("--format", a->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([a, &exit_code] {
    auto config = load_or_report(a->config_path);
    if (!config) {
      exit_code = 2;
      return;
    }
    doctor::ProbeOptions options;
    for (const auto& r : a->resolve) {
      const auto colon = r.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == r.size()) {
        std::cerr << "error: --resolve " << r << ": expected HOST:ADDRESS\n";
        exit_code = 2;
        return;
      }
      std::string address = r.substr(colon + 1);
      if (address.size() > 2 && address.front() == '[' && address.back() == ']')
        address = address.substr(1, address.size() - 2);
      options.resolve[util::ascii_lower(r.substr(0, colon))] = address;
    }
    if (!a->ca_file.empty()) options.ca_file = a->ca_file;
    if (!a->target.empty()) options.target = a->target;

    std::vector<std::pair<const config::Domain*, std::string>> names;
    if (!a->host.empty()) {
      const std::string host = util::ascii_lower(a->host);
      for (const auto& d : config->domains)
        if (d.host == host || d.public_host() == host ||
            std::find(d.aliases.begin(), d.aliases.end(), host) != d.aliases.end())
          names.emplace_back(&d, host);
      if (names.empty()) {
        std::cerr << "error: " << a->host << " is none of the config's domains or aliases\n";
        exit_code = 2;
        return;
      }
    } else {
      for (const auto& d : config->domains) names.emplace_back(&d, d.public_host());
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    std::vector<doctor::DomainReport> reports;
    for (const auto& [domain, host] : names) {
      auto observed = doctor::observe(*config, *domain, host, options);
      reports.push_back({observed.host, observed.origin, doctor::evaluate(observed)});
    }
    std::cout << (a->format == "json" ? doctor::render_json(reports)
                                      : doctor::render_table(reports));
    exit_code = doctor::all_pass(reports) ? 0 : 1;
  });
}

}  // namespace linktrack::cli
