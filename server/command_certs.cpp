// `linktrack certs list` and `linktrack certs renew HOST`: the ACME certificates as the shared
// storage holds them, and a renewal asked of whichever running node takes it.
#include <chrono>
#include <iostream>
#include <thread>

#include "acme/inventory.hpp"
#include "commands.hpp"
#include "config_option.hpp"
#include "util/ascii_case.hpp"
#include "util/clock.hpp"

namespace linktrack::cli {
namespace {

std::vector<std::string> auto_hosts(const config::Config& c) {
  std::vector<std::string> hosts;
  for (const auto& d : c.domains)
    if (d.tls_auto) hosts.push_back(d.host);
  return hosts;
}

// The config, or null after saying why (not loadable, or no acme section to read).
std::shared_ptr<const config::Config> load_with_acme(const std::string& path) {
  auto config = load_or_report(path);
  if (config && !config->acme) {
    std::cerr << "error: " << path << " has no acme section\n";
    return nullptr;
  }
  return config;
}

}  // namespace

void add_certs(CLI::App& app, int& exit_code) {
  auto* certs = app.add_subcommand("certs", "Certificates from ACME (acme: in the config)");
  certs->require_subcommand(1);

  struct Args {
    std::string config_path, host, format = "table";
    int wait_s = 60;
  };
  auto a = std::make_shared<Args>();

  auto* list = certs->add_subcommand(
      "list", "Each tls: auto domain and on-demand name: expiry, renewal, last failure");
  add_config_option(*list, a->config_path);
  list->add_option("--format", a->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  list->callback([a, &exit_code] {
    auto config = load_with_acme(a->config_path);
    if (!config) {
      exit_code = 2;
      return;
    }
    acme::Storage storage(config->acme->storage);
    const auto rows =
        acme::certificate_rows(storage, auto_hosts(*config), config->acme->renew_before_seconds);
    std::cout << (a->format == "json" ? acme::render_rows_json(rows)
                                      : acme::render_rows_table(rows, util::unix_now_ms() / 1000));
  });

  auto* renew = certs->add_subcommand(
      "renew", "Ask the running server (any node sharing acme.storage) to renew HOST now");
  add_config_option(*renew, a->config_path);
  renew->add_option("host", a->host, "A tls: auto domain's host or an on-demand name")->required();
  renew->add_option("--wait", a->wait_s,
                    "Seconds to wait for the new certificate (0: do not wait)");
  renew->callback([a, &exit_code] {
    auto config = load_with_acme(a->config_path);
    if (!config) {
      exit_code = 2;
      return;
    }
    const std::string host = util::ascii_lower(a->host);
    acme::Storage storage(config->acme->storage);
    const auto before = storage.read_certificate(host);
    try {
      storage.prepare();
      storage.request_renewal(host);
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      exit_code = 1;
      return;
    }
    std::cout << "renewal of " << host << " asked for in " << storage.root() << "/renew\n";
    if (a->wait_s <= 0) return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(a->wait_s);
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      auto now = storage.read_certificate(host);
      if (now && (!before || now->modified_ns != before->modified_ns)) {
        std::cout << "renewed: valid until " << now->not_after << " (Unix time)\n";
        return;
      }
    }
    std::cerr << "no new certificate within " << a->wait_s
              << " s: is linktrack serving with this acme.storage? (linktrack certs list shows "
                 "the last failure)\n";
    exit_code = 1;
  });
}

}  // namespace linktrack::cli
