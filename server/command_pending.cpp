// Commands whose implementation has not landed yet say so plainly.
#include <iostream>

#include "commands.hpp"

namespace linktrack::cli {
namespace {

void pending(CLI::App& app, const char* name, const char* what, int& exit_code) {
  auto* cmd = app.add_subcommand(name, what);
  cmd->allow_extras();
  cmd->callback([name, &exit_code] {
    std::cerr << "linktrack " << name << " is not available yet in this version\n";
    exit_code = 2;
  });
}

}  // namespace

void add_stats(CLI::App& app, int& e) {
  pending(app, "stats", "Click statistics", e);
}
void add_forget(CLI::App& app, int& e) {
  pending(app, "forget", "Delete one recipient's events", e);
}

}  // namespace linktrack::cli
