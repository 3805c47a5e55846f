#include <iostream>

#include "commands.hpp"
#include "config_option.hpp"

namespace linktrack::cli {

void add_check_config(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("check-config", "Check a config file; print ok or every error");
  auto path = std::make_shared<std::string>();
  add_config_option(*cmd, *path);
  cmd->callback([path, &exit_code] {
    if (load_or_report(*path, config::Purpose::serve)) {  // checks what serving needs
      std::cout << "ok\n";
      exit_code = 0;
    } else {
      exit_code = 1;
    }
  });
}

}  // namespace linktrack::cli
