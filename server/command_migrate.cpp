#include <iostream>

#include "analytics/schema.hpp"
#include "clicklog/database.hpp"
#include "commands.hpp"
#include "config_option.hpp"

namespace linktrack::cli {

void add_migrate(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "migrate",
      "Create or upgrade the click log database (and ClickHouse's tables, when configured)");
  add_config_option(*cmd, *path);
  cmd->callback([path, &exit_code] {
    auto config = load_or_report(*path);
    if (!config) {
      exit_code = 1;
      return;
    }
    try {
      clicklog::Database db(config->store.path, clicklog::Database::Mode::read_write);
      int applied = clicklog::migrate(db);
      std::cout << config->store.path << ": schema version " << clicklog::schema_version(db) << " ("
                << applied << " migration(s) applied)\n";
      if (const auto& ch = config->analytics.clickhouse) {
        outbound::HttpClient::global_init();
        analytics::ClickHouseClient client(*ch);
        const auto r = analytics::migrate(client);
        std::cout << "ClickHouse " << ch->url << " database " << ch->database << ": schema version "
                  << r.to << " (" << r.applied.size() << " migration(s) applied)\n";
      }
      exit_code = 0;
    } catch (const analytics::ClickHouseError& e) {
      std::cerr << "error: " << e.what() << "\n";
      exit_code = 1;
    } catch (const clicklog::DatabaseError& e) {
      std::cerr << "error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}

}  // namespace linktrack::cli
