#include "webhook_service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>

#include "clicklog/node_id.hpp"
#include "clicklog/writer_priority.hpp"
#include "util/clock.hpp"
#include "util/thread_name.hpp"
#include "webhook/deliverer.hpp"

namespace linktrack::server {

struct WebhookService::Worker {
  std::shared_ptr<webhook::EndpointMetrics> metrics;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::atomic<bool> cancel{false};              // stopping, for a request under way
  std::shared_ptr<const config::Webhook> hook;  // the current settings
  bool changed = false;                         // settings replaced: make a new Deliverer
  bool enable = false;                          // a reload: send to a 410'd endpoint again
  std::thread thread;

  // Sleeps up to `ms` or until told something; false once stopping.
  bool pause(std::int64_t ms) {
    std::unique_lock lock(mutex);
    wake.wait_for(lock, std::chrono::milliseconds(ms),
                  [this] { return stopping || changed || enable; });
    return !stopping;
  }
  // After an error: sleeps `ms` unless stopped (a reload meanwhile is taken after it).
  bool back_off(std::int64_t ms) {
    std::unique_lock lock(mutex);
    wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping; });
    return !stopping;
  }
  void tell(const std::function<void()>& what) {
    {
      std::lock_guard lock(mutex);
      what();
    }
    wake.notify_all();
  }

  void run(config::Store store, std::optional<std::string> configured_node) {
    // Background work: nice 19 (a receiver waits for it: never SCHED_IDLE, which a busy
    // neighbour starves), normal while holding the log's write lock (the re-scorer's
    // arrangement: the writer never waits on a low-priority thread).
    clicklog::WriterPriority priority(clicklog::WriterPriority::Background::low);
    priority.attach(true);
    auto last_error_log = std::chrono::steady_clock::time_point{};
    while (!cancel.load()) {
      try {
        clicklog::Database db(store.path, clicklog::Database::Mode::read_write,
                              static_cast<int>(store.busy_timeout_ms));
        const std::string node = clicklog::node_id(db, configured_node);
        std::shared_ptr<const config::Webhook> settings;
        {
          std::lock_guard lock(mutex);
          settings = hook;
          changed = false;
          enable = false;
        }
        webhook::Deliverer deliverer(db, *settings, node, *metrics, &priority, &cancel);
        deliverer.enable();  // a start or a reload: a 410 is forgiven
        for (;;) {
          bool rebuild = false, reenable = false;
          {
            std::lock_guard lock(mutex);
            if (stopping) return;
            rebuild = changed;
            reenable = std::exchange(enable, false);
          }
          if (rebuild) break;
          if (reenable) deliverer.enable();
          const std::int64_t wait = deliverer.step(util::unix_now_ms());
          if (wait > 0 && !pause(wait)) return;
        }
      } catch (const std::exception& e) {
        // The log locked, missing or replaced: counted, logged at most once a minute, retried
        // with a fresh connection. Events stay in the log meanwhile.
        metrics->errors.fetch_add(1);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_error_log > std::chrono::minutes(1)) {
          spdlog::error("webhook {}: {}; retrying", metrics->endpoint, e.what());
          last_error_log = now;
        }
        if (!back_off(1000)) return;
      }
    }
  }
};

WebhookService::WebhookService(const std::shared_ptr<const config::Config>& config)
    : store_(config->store), node_id_(config->node_id), hooks_(config->webhooks) {}

WebhookService::~WebhookService() {
  stop();
}

void WebhookService::launch(const config::Webhook& hook) {
  // The endpoint's cursor (at the log's end, the first time it is named) is made here, before
  // this returns: at start, before the listeners open; at a reload, when it is applied. Made by
  // the worker, which can start late on a busy machine, it had skipped the events logged
  // meanwhile. Should the log refuse now, the worker makes it when it can, as before.
  try {
    clicklog::Database db(store_.path, clicklog::Database::Mode::read_write,
                          static_cast<int>(store_.busy_timeout_ms));
    webhook::Outbox(db, hook.id, std::string()).open();
  } catch (const std::exception& e) {
    spdlog::warn("webhook {}: its cursor is made later: {}", hook.id, e.what());
  }
  auto& m = metrics_[hook.id];
  if (!m) m = std::make_shared<webhook::EndpointMetrics>(hook.id);
  auto w = std::make_unique<Worker>();
  w->metrics = m;
  w->hook = std::make_shared<const config::Webhook>(hook);
  w->thread = std::thread([w = w.get(), store = store_, node = node_id_] {
    util::name_this_thread("lt-hook-" + w->hook->id);
    w->run(store, node);
  });
  workers_[hook.id] = std::move(w);
}

void WebhookService::start() {
  if (hooks_.empty()) return;
  if (store_.path == ":memory:") {  // another connection would see another database
    spdlog::warn("webhooks: not delivered from an in-memory click log (store.path: :memory:)");
    return;
  }
  outbound::HttpClient::global_init();  // before any thread makes a client
  std::lock_guard lock(mutex_);
  for (const auto& h : hooks_) {
    launch(h);
    spdlog::info("webhook {}: delivering to {}", h.id, h.url);
  }
}

void WebhookService::apply(const std::shared_ptr<const config::Config>& config) {
  if (store_.path == ":memory:") return;
  if (!config->webhooks.empty()) outbound::HttpClient::global_init();
  std::lock_guard lock(mutex_);
  std::map<std::string, const config::Webhook*> wanted;
  for (const auto& h : config->webhooks) wanted[h.id] = &h;
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    spdlog::info("webhook {}: removed from the config; its cursor stays in the log", it->first);
    it->second->tell([w = it->second.get()] { w->stopping = w->cancel = true; });
    retired_.push_back(std::move(it->second));
    metrics_.erase(it->first);
    it = workers_.erase(it);
  }
  for (const auto& entry : wanted) {
    const auto& id = entry.first;
    const config::Webhook* hook = entry.second;  // not a structured binding: a lambda takes it
    auto it = workers_.find(id);
    if (it == workers_.end()) {
      launch(*hook);
      spdlog::info("webhook {}: delivering to {}", id, hook->url);
      continue;
    }
    auto& w = *it->second;
    w.tell([&] {
      if (*w.hook == *hook) {
        w.enable = true;
      } else {
        w.hook = std::make_shared<const config::Webhook>(*hook);
        w.changed = true;
      }
    });
  }
}

void WebhookService::stop() {
  std::vector<std::unique_ptr<Worker>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, w] : workers_) all.push_back(std::move(w));
    workers_.clear();
    for (auto& w : retired_) all.push_back(std::move(w));
    retired_.clear();
  }
  for (auto& w : all) w->tell([&] { w->stopping = w->cancel = true; });
  for (auto& w : all)
    if (w->thread.joinable()) w->thread.join();
}

std::string WebhookService::render_metrics() const {
  std::vector<std::shared_ptr<webhook::EndpointMetrics>> endpoints;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, m] : metrics_) endpoints.push_back(m);
  }
  if (endpoints.empty()) return {};
  return webhook::render_metrics(endpoints, util::unix_now_ms());
}

}  // namespace linktrack::server
