// What a reload (SIGHUP) may change in a running server. The one place that decides, per
// setting, "applies now" or "needs a restart": everything not listed in reload.cpp applies now.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace linktrack::config {

// Copies into `next` the running value of every setting that needs a restart (listen
// addresses, threads, the click log's store settings, retention), so that every part of the
// server keeps using one value until then. Returns the keys whose new value was held back.
std::vector<std::string> keep_restart_settings(const Config& running, Config& next);

}  // namespace linktrack::config
