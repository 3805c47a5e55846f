#include "api_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>

#include "api/error.hpp"
#include "util/clock.hpp"

namespace linktrack::server {

ApiService::ApiService(std::shared_ptr<const config::Config> c)
    : setup_(std::make_shared<const Setup>(Setup{c, api::KeyTable(c->api.keys)})) {}

void ApiService::start() {
  outbound::HttpClient::global_init();  // before a thread makes a ClickHouse client
  pool_ = std::make_unique<boost::asio::thread_pool>(kThreads);
}

void ApiService::apply(const std::shared_ptr<const config::Config>& c) {
  setup_.replace(std::make_shared<const Setup>(Setup{c, api::KeyTable(c->api.keys)}));
  // Dashboard sessions of a key the reload removed or narrowed end now.
  sessions_.retain([&](const ui::Session& s) { return ui::session_allowed(*c, s); });
}

void ApiService::stop() {
  if (!pool_) return;
  pool_->join();  // requests under way finish; their connections are gone by now
  pool_.reset();
  std::lock_guard lock(connections_);
  readers_.clear();
  writer_.reset();
}

std::unique_ptr<clicklog::Database> ApiService::take_reader(const config::Config& c) {
  {
    std::lock_guard lock(connections_);
    if (!readers_.empty()) {
      auto db = std::move(readers_.back());
      readers_.pop_back();
      if (db->path() == c.store.path) return db;
    }
  }
  return std::make_unique<clicklog::Database>(c.store.path, clicklog::Database::Mode::read_only,
                                              static_cast<int>(c.store.busy_timeout_ms));
}

void ApiService::give_back(std::unique_ptr<clicklog::Database> reader) {
  std::lock_guard lock(connections_);
  if (readers_.size() < kThreads) readers_.push_back(std::move(reader));
}

void ApiService::submit(AdminRequest request, AdminAnswer done) {
  if (!pool_) return done(api::error_response(503, "store_unavailable", "the server is stopping"));
  boost::asio::post(*pool_, [this, request = std::move(request), done = std::move(done)] {
    const auto path = request.target.substr(0, request.target.find('?'));
    http::Response response;
    try {
      response = ui::is_dashboard_path(path) ? run_ui(request, path) : run(request, path);
    } catch (const std::exception& e) {  // api::handle answers its own; this is a last guard
      spdlog::error("api: {} {} failed: {}", request.method, path, e.what());
      response = api::error_response(500, "internal", "the request failed");
    }
    response.head_only = request.method == "HEAD";
    done(std::move(response));
  });
}

template <class Use>
auto ApiService::with_context(const Setup& setup, Use use) {
  const auto& config = *setup.config;
  std::unique_ptr<clicklog::Database> reader;
  api::Context context{config, util::unix_now_ms(), {}, {}, {}};
  context.reader = [&]() -> clicklog::Database& {
    if (!reader) reader = take_reader(config);
    return *reader;
  };
  std::unique_lock<std::mutex> writing(writer_mutex_, std::defer_lock);
  context.writer = [&]() -> clicklog::Database& {
    if (!writing.owns_lock()) writing.lock();  // one forget at a time
    if (!writer_ || writer_->path() != config.store.path)
      writer_ = std::make_unique<clicklog::Database>(
          config.store.path, clicklog::Database::Mode::read_write,
          static_cast<int>(config.store.busy_timeout_ms));
    return *writer_;
  };
  std::optional<analytics::ClickHouseClient> clickhouse;
  context.clickhouse = [&]() -> analytics::ClickHouseClient& {
    if (!clickhouse) clickhouse.emplace(*config.analytics.clickhouse);
    return *clickhouse;
  };
  auto result = use(context);
  if (reader) give_back(std::move(reader));
  return result;
}

namespace {

std::int64_t micros_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               started)
      .count();
}

}  // namespace

http::Response ApiService::run(const AdminRequest& request, const std::string& path) {
  const auto started = std::chrono::steady_clock::now();
  const auto setup = setup_.get();
  auto outcome = with_context(*setup, [&](api::Context& context) {
    return api::handle({request.method, request.target, request.authorization, request.body},
                       context, setup->keys);
  });
  const auto micros = micros_since(started);
  count(outcome.endpoint ? static_cast<std::size_t>(*outcome.endpoint) : api::kEndpointCount,
        outcome.response.status, micros);
  // The secret is never logged; the key's id names the caller.
  spdlog::info("api {} {} \"{} {}\" {} {:.1f}ms", request.peer,
               outcome.caller.empty() ? "-" : outcome.caller, request.method, path,
               outcome.response.status, static_cast<double>(micros) / 1000);
  return std::move(outcome.response);
}

http::Response ApiService::run_ui(const AdminRequest& request, const std::string& path) {
  const auto started = std::chrono::steady_clock::now();
  const auto setup = setup_.get();
  auto outcome = with_context(*setup, [&](api::Context& context) {
    return ui::handle({request.method, request.target, request.host, request.origin, request.cookie,
                       request.content_type, request.body, request.tls},
                      context, setup->keys, sessions_);
  });
  const auto micros = micros_since(started);
  std::size_t s = 0;
  while (kStatuses[s] != outcome.response.status && kStatuses[s] != 0) ++s;
  ui_requests_[outcome.route][s].fetch_add(1, std::memory_order_relaxed);
  ui_micros_[outcome.route].fetch_add(static_cast<std::uint64_t>(micros),
                                      std::memory_order_relaxed);
  if (outcome.route != ui::kUiRouteCount - 2)  // static files are not worth a line
    spdlog::info("ui {} {} \"{} {}\" {} {:.1f}ms", request.peer,
                 outcome.key_id.empty() ? "-" : outcome.key_id, request.method, path,
                 outcome.response.status, static_cast<double>(micros) / 1000);
  return std::move(outcome.response);
}

void ApiService::count(std::size_t endpoint, unsigned status, std::int64_t micros) {
  std::size_t s = 0;
  while (kStatuses[s] != status && kStatuses[s] != 0) ++s;
  requests_[endpoint][s].fetch_add(1, std::memory_order_relaxed);
  micros_[endpoint].fetch_add(static_cast<std::uint64_t>(micros), std::memory_order_relaxed);
}

std::string ApiService::render_metrics() const {
  std::string out =
      "# HELP linktrack_api_requests_total Admin API requests by endpoint and status.\n"
      "# TYPE linktrack_api_requests_total counter\n";
  auto name = [](std::size_t e) {
    return e < api::kEndpointCount ? api::kEndpointNames[e] : "unknown";
  };
  for (std::size_t e = 0; e <= api::kEndpointCount; ++e)
    for (std::size_t s = 0; s < kStatuses.size(); ++s)
      if (auto n = requests_[e][s].load(std::memory_order_relaxed))
        out += fmt::format("linktrack_api_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n",
                           name(e), kStatuses[s] ? std::to_string(kStatuses[s]) : "other", n);
  out +=
      "# HELP linktrack_api_request_seconds_total Time spent answering admin API requests.\n"
      "# TYPE linktrack_api_request_seconds_total counter\n";
  for (std::size_t e = 0; e <= api::kEndpointCount; ++e)
    out += fmt::format("linktrack_api_request_seconds_total{{endpoint=\"{}\"}} {:.6f}\n", name(e),
                       static_cast<double>(micros_[e].load(std::memory_order_relaxed)) / 1e6);
  out +=
      "# HELP linktrack_ui_requests_total Dashboard requests by page and status.\n"
      "# TYPE linktrack_ui_requests_total counter\n";
  for (std::size_t p = 0; p < ui::kUiRouteCount; ++p)
    for (std::size_t s = 0; s < kStatuses.size(); ++s)
      if (auto n = ui_requests_[p][s].load(std::memory_order_relaxed))
        out += fmt::format("linktrack_ui_requests_total{{page=\"{}\",status=\"{}\"}} {}\n",
                           ui::kUiRouteNames[p],
                           kStatuses[s] ? std::to_string(kStatuses[s]) : "other", n);
  out +=
      "# HELP linktrack_ui_request_seconds_total Time spent answering dashboard requests.\n"
      "# TYPE linktrack_ui_request_seconds_total counter\n";
  for (std::size_t p = 0; p < ui::kUiRouteCount; ++p)
    out += fmt::format("linktrack_ui_request_seconds_total{{page=\"{}\"}} {:.6f}\n",
                       ui::kUiRouteNames[p],
                       static_cast<double>(ui_micros_[p].load(std::memory_order_relaxed)) / 1e6);
  out += fmt::format(
      "# HELP linktrack_ui_sessions Dashboard sessions open.\n"
      "# TYPE linktrack_ui_sessions gauge\nlinktrack_ui_sessions {}\n",
      sessions_.size());
  return out;
}

}  // namespace linktrack::server
