// linktrack: a self-hosted link-tracking redirect server. main only composes the commands.
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"linktrack " LINKTRACK_VERSION " - self-hosted link-tracking redirect server"};
  app.set_version_flag("--version", LINKTRACK_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  linktrack::cli::add_serve(app, exit_code);
  linktrack::cli::add_check_config(app, exit_code);
  linktrack::cli::add_keys(app, exit_code);
  linktrack::cli::add_sign(app, exit_code);
  linktrack::cli::add_decode(app, exit_code);
  linktrack::cli::add_rewrite(app, exit_code);
  linktrack::cli::add_stats(app, exit_code);
  linktrack::cli::add_migrate(app, exit_code);
  linktrack::cli::add_forget(app, exit_code);
  linktrack::cli::add_rescore(app, exit_code);
  linktrack::cli::add_export(app, exit_code);
  linktrack::cli::add_explain(app, exit_code);
  linktrack::cli::add_webhooks(app, exit_code);
  linktrack::cli::add_analytics(app, exit_code);
  linktrack::cli::add_backup(app, exit_code);
  linktrack::cli::add_doctor(app, exit_code);
  linktrack::cli::add_certs(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
