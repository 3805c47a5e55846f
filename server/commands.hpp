// Each subcommand of the linktrack executable registers itself on the CLI11 app. A command's
// callback sets the process exit code through `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace linktrack::cli {

void add_serve(CLI::App& app, int& exit_code);
void add_check_config(CLI::App& app, int& exit_code);
void add_keys(CLI::App& app, int& exit_code);
void add_sign(CLI::App& app, int& exit_code);
void add_decode(CLI::App& app, int& exit_code);
void add_rewrite(CLI::App& app, int& exit_code);
void add_stats(CLI::App& app, int& exit_code);
void add_migrate(CLI::App& app, int& exit_code);
void add_forget(CLI::App& app, int& exit_code);
void add_rescore(CLI::App& app, int& exit_code);
void add_export(CLI::App& app, int& exit_code);
void add_explain(CLI::App& app, int& exit_code);
void add_webhooks(CLI::App& app, int& exit_code);
void add_analytics(CLI::App& app, int& exit_code);
void add_backup(CLI::App& app, int& exit_code);
void add_doctor(CLI::App& app, int& exit_code);
void add_certs(CLI::App& app, int& exit_code);

}  // namespace linktrack::cli
