// The admin API and the dashboard as a Service: requests from admin connections run on threads
// of their own, so that a stats query over millions of events or a 10,000-link batch never
// holds an I/O thread.
// Each thread reads the click log through its own read-only connection (WAL: readers never block
// the writer); forget shares one read-write connection.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "admin_request.hpp"
#include "api/api.hpp"
#include "clicklog/database.hpp"
#include "http/response.hpp"
#include "service.hpp"
#include "ui/dashboard.hpp"
#include "ui/session_table.hpp"
#include "util/published.hpp"

namespace linktrack::server {

class ApiService final : public Service {
 public:
  explicit ApiService(std::shared_ptr<const config::Config> c);
  ~ApiService() override { stop(); }
  const char* name() const override { return "api"; }
  void start() override;
  void apply(const std::shared_ptr<const config::Config>& c) override;
  void stop() override;

  // Runs the request (the API's, or the dashboard's: ui::is_dashboard_path) on the API's
  // threads and calls `done` there with the answer.
  void submit(AdminRequest request, AdminAnswer done);

  // linktrack_api_* and linktrack_ui_* lines for /metrics.
  std::string render_metrics() const;

 private:
  struct Setup {
    std::shared_ptr<const config::Config> config;
    api::KeyTable keys;
  };
  http::Response run(const AdminRequest& request, const std::string& path);
  http::Response run_ui(const AdminRequest& request, const std::string& path);
  // Calls `use` with an API context on the current config: the log's connections are taken on
  // first use and given back after.
  template <class Use>
  auto with_context(const Setup& setup, Use use);
  std::unique_ptr<clicklog::Database> take_reader(const config::Config& c);
  void give_back(std::unique_ptr<clicklog::Database> reader);
  void count(std::size_t endpoint, unsigned status, std::int64_t micros);

  static constexpr std::array<unsigned, 11> kStatuses = {200, 303, 400, 401, 403, 404,
                                                         405, 413, 500, 503, 0};  // 0: other
  static constexpr std::size_t kThreads = 2;
  util::Published<Setup> setup_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::mutex connections_;
  std::vector<std::unique_ptr<clicklog::Database>> readers_;  // idle ones
  std::unique_ptr<clicklog::Database> writer_;
  std::mutex writer_mutex_;
  // By endpoint (the last slot: a path that names none) and status.
  std::array<std::array<std::atomic<std::uint64_t>, kStatuses.size()>, api::kEndpointCount + 1>
      requests_{};
  std::array<std::atomic<std::uint64_t>, api::kEndpointCount + 1> micros_{};
  ui::SessionTable sessions_;
  std::array<std::array<std::atomic<std::uint64_t>, kStatuses.size()>, ui::kUiRouteCount>
      ui_requests_{};
  std::array<std::atomic<std::uint64_t>, ui::kUiRouteCount> ui_micros_{};
};

}  // namespace linktrack::server
