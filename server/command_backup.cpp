#include <filesystem>
#include <iostream>

#include "clicklog/backup.hpp"
#include "clicklog/database.hpp"
#include "commands.hpp"
#include "config_option.hpp"

namespace linktrack::cli {

void add_backup(CLI::App& app, int& exit_code) {
  struct Args {
    std::string config_path, destination;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "backup",
      "Copy the live click log to FILE, consistent as of the moment it starts, while the server "
      "runs (SQLite's online backup)");
  add_config_option(*cmd, a->config_path);
  cmd->add_option("file", a->destination, "Where the copy goes (replaced when it is complete)")
      ->required();
  cmd->callback([a, &exit_code] {
    auto config = load_or_report(a->config_path);
    if (!config) {
      exit_code = 1;
      return;
    }
    try {
      if (!std::filesystem::exists(config->store.path))
        throw clicklog::DatabaseError("no click log at " + config->store.path, SQLITE_CANTOPEN);
      const auto r = clicklog::backup_log(config->store.path, a->destination);
      std::cout << a->destination << ": " << r.events << " event(s), the newest id "
                << r.last_event_id << ", " << r.bytes << " bytes\n";
      exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}

}  // namespace linktrack::cli
