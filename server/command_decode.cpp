#include <boost/url/parse.hpp>
#include <ctime>
#include <iostream>

#include "commands.hpp"
#include "config/host_index.hpp"
#include "config_option.hpp"
#include "mint/link_minter.hpp"
#include "token/json_fields.hpp"

namespace linktrack::cli {
namespace {

struct DecodeArgs {
  std::string config_path, input, domain;
};

const char* explain(token::DecodeStatus s) {
  switch (s) {
    case token::DecodeStatus::malformed:
      return "malformed: not a linktrack token";
    case token::DecodeStatus::unknown_key:
      return "unknown key id: no configured key has this id";
    case token::DecodeStatus::bad_tag:
      return "bad tag: altered, or signed for another host or with another key";
    case token::DecodeStatus::expired:
      return "expired";
    default:
      return "ok";
  }
}

int decode(const DecodeArgs& a) {
  auto config = load_or_report(a.config_path);
  if (!config) return 1;
  std::string host = a.domain, token = a.input;
  if (auto url = boost::urls::parse_uri(a.input)) {
    if (host.empty()) host = url->host();
    std::string path = url->path();
    if (path.starts_with("/c/") || path.starts_with("/o/"))
      token = path.substr(3);
    else {
      std::cerr << "error: the URL's path is not /c/TOKEN or /o/TOKEN\n";
      return 1;
    }
  }
  if (host.empty()) {
    if (config->domains.size() != 1) {
      std::cerr << "error: give --domain HOST (the config has several domains)\n";
      return 1;
    }
    host = config->domains.front().host;
  }
  const auto* domain = config::HostIndex(*config).find(host);
  if (!domain) {
    std::cerr << "error: " << host << " is not a configured domain or alias\n";
    return 1;
  }
  token::TokenCodec codec(mint::keyring_from(*config));
  auto d = codec.decode(token, domain->host, std::time(nullptr));
  if (d.status == token::DecodeStatus::ok || d.status == token::DecodeStatus::expired) {
    auto j = token::to_json(d.fields);
    j["key_id"] = d.key_id;
    j["host"] = domain->host;
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  if (d.status == token::DecodeStatus::ok) return 0;
  std::cerr << "error: " << explain(d.status) << "\n";
  return 1;
}

}  // namespace

void add_decode(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<DecodeArgs>();
  auto* cmd =
      app.add_subcommand("decode", "Check a tracked URL or token and print what it carries");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("URL_OR_TOKEN", a->input, "A tracked URL, or a bare token")->required();
  cmd->add_option("--domain", a->domain, "The host the token is for (default: the URL's host)");
  cmd->callback([a, &exit_code] { exit_code = decode(*a); });
}

}  // namespace linktrack::cli
