// The click log's writer as a Service: the sink the sessions submit to.
#pragma once

#include <spdlog/spdlog.h>

#include "clicklog/sqlite_writer.hpp"
#include "service.hpp"

namespace linktrack::server {

class ClickLogService final : public Service {
 public:
  // Opens and migrates the log; throws clicklog::DatabaseError when it cannot.
  explicit ClickLogService(const config::Config& c)
      : writer_(std::make_unique<clicklog::SqliteWriter>(c.store, clicklog::spool_retention(c),
                                                         stats_)) {}
  const char* name() const override { return "click log"; }
  void start() override {}  // the writer thread runs from construction
  // Every setting the writer uses needs a restart (store.*, privacy.retention_days).
  void apply(const std::shared_ptr<const config::Config>&) override {}
  void stop() override {
    writer_->stop();
    spdlog::info("stopped: {} event(s) written, {} dropped", stats_.written.load(),
                 stats_.dropped.load());
  }
  clicklog::ClickSink& sink() { return *writer_; }
  clicklog::WriterStats& stats() { return stats_; }

 private:
  clicklog::WriterStats stats_;
  std::unique_ptr<clicklog::SqliteWriter> writer_;
};

}  // namespace linktrack::server
