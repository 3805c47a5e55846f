// What runs beside the front end (the click writer today; the webhook and ClickHouse
// consumers, the ACME manager and the re-scorer next) has one shape, so the Server starts,
// reloads and stops each the same way, and adding one is adding a file.
#pragma once

#include <memory>

#include "config/config.hpp"

namespace linktrack::server {

class Service {
 public:
  virtual ~Service() = default;
  virtual const char* name() const = 0;
  // Called once the config is loaded, before any listener accepts.
  virtual void start() = 0;
  // A reloaded config, whose restart-only settings (config/reload.cpp) already hold their
  // running values: take what changed. Must not block.
  virtual void apply(const std::shared_ptr<const config::Config>& config) = 0;
  // Stops and drains: after this nothing is left in flight. Called after the listeners stop.
  virtual void stop() = 0;
};

}  // namespace linktrack::server
