// The meaning of a config: addresses, ranges, secrets, files, duplicates. Resolves relative
// paths against the config file's folder and loads what the server serves from files.
#pragma once

#include "config/config.hpp"
#include "config/diagnostics.hpp"

namespace linktrack::config {

// What a config is loaded for. Serving needs everything; the tools (sign, rewrite, decode,
// stats, export, forget, rescore, explain, migrate) need keys, domains and the store only, so
// a sender's or an analyst's config without listeners, certificates or deep-link files works.
enum class Purpose { serve, tools };

// Checks and resolves `c` in place; every problem goes to `diag`. For tools, the files only
// serving reads (certificates, deep-link files, the favicon) are resolved, not read, and
// `listen` may be absent.
void validate(Config& c, Diagnostics& diag, Purpose purpose = Purpose::serve);

}  // namespace linktrack::config
