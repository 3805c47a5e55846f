#include <openssl/rand.h>

#include <iostream>

#include "api/keys.hpp"
#include "commands.hpp"
#include "util/base64.hpp"

namespace linktrack::cli {
namespace {

std::optional<std::string> random_bytes(std::size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    std::cerr << "error: the system random generator failed\n";
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

void add_keys(CLI::App& app, int& exit_code) {
  auto* keys = app.add_subcommand("keys", "Token and API keys");
  keys->require_subcommand(1);
  auto api = std::make_shared<bool>(false);
  auto webhook = std::make_shared<bool>(false);
  auto* generate = keys->add_subcommand(
      "generate",
      "Print a fresh token secret (base64, 32 bytes), with --api an API key's secret and "
      "its secret_sha256 line, or with --webhook a webhook signing secret");
  generate->add_flag("--api", *api,
                     "An API key: the secret on the first line (give it to the caller), "
                     "'secret_sha256: HEX' on the second (put it in api.keys)");
  generate
      ->add_flag("--webhook", *webhook,
                 "A Standard Webhooks signing secret: whsec_ and the base64 of 32 random bytes "
                 "(put it in webhooks[].secret and give it to the receiver)")
      ->excludes(generate->get_option("--api"));
  generate->callback([api, webhook, &exit_code] {
    auto bytes = random_bytes(32);
    if (!bytes) {
      exit_code = 1;
      return;
    }
    if (*webhook) {
      std::cout << "whsec_" << util::base64_encode(*bytes) << "\n";
    } else if (*api) {
      // A prefix that secret scanners and people recognise; the rest is 256 random bits.
      const std::string secret = "ltk_" + util::base64url_encode(*bytes);
      std::cout << secret << "\n"
                << "secret_sha256: " << api::hex(api::sha256(secret)) << "\n";
    } else {
      std::cout << util::base64_encode(*bytes) << "\n";
    }
    exit_code = 0;
  });
}

}  // namespace linktrack::cli
