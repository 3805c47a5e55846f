// The meaning of a config: addresses, ranges, secrets, files, duplicates. Resolves relative
// paths against the config file's folder and loads what the server serves from files.
#pragma once

#include "config/config.hpp"
#include "config/diagnostics.hpp"

namespace linktrack::config {

// Checks and resolves `c` in place; every problem goes to `diag`.
void validate(Config& c, Diagnostics& diag);

}  // namespace linktrack::config
