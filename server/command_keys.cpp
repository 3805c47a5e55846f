#include <openssl/rand.h>

#include <iostream>

#include "commands.hpp"
#include "util/base64.hpp"

namespace linktrack::cli {

void add_keys(CLI::App& app, int& exit_code) {
  auto* keys = app.add_subcommand("keys", "Token keys");
  keys->require_subcommand(1);
  auto* generate = keys->add_subcommand("generate", "Print a fresh base64 32-byte token secret");
  generate->callback([&exit_code] {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
      std::cerr << "error: the system random generator failed\n";
      exit_code = 1;
      return;
    }
    std::cout << util::base64_encode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes))
              << "\n";
    exit_code = 0;
  });
}

}  // namespace linktrack::cli
