#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "config_option.hpp"
#include "server.hpp"

namespace linktrack::cli {

void add_serve(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("serve", "Run the redirect server");
  add_config_option(*cmd, *path);
  cmd->callback([path, &exit_code] {
    // Held back until Server::run catches them: a SIGHUP while the config loads would
    // otherwise end the server with the default action.
    server::hold_signals();
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
    exit_code = server::Server(*path).run();
  });
}

}  // namespace linktrack::cli
