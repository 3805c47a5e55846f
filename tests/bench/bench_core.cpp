// Micro-benchmarks of the core: tokens signed and verified per second, rewrite throughput.
// Run with tests/bench/micro.sh.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include <filesystem>
#include <random>
#include <thread>

#include "../unit/reference_link.hpp"
#include "classify/classifier.hpp"
#include "classify/evidence.hpp"
#include "clicklog/sqlite_writer.hpp"
#include "config/bot_rules.hpp"
#include "rewrite/html_rewriter.hpp"
#include "token/codec.hpp"

using namespace linktrack;

namespace {

// A newsletter-sized document (~200 KB): the fixture's head once, its body content repeated.
std::string newsletter() {
  std::ifstream in(std::string(LINKTRACK_BENCH_DATA) + "/unit/fixtures/email.html");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string fixture = ss.str();
  const auto body = fixture.find("<table role");
  std::string html = fixture.substr(0, body);
  const std::string content = fixture.substr(body);
  while (html.size() < 200 * 1024) html += content;
  return html + "</BODY></HTML>\n";
}

std::shared_ptr<const token::Keyring> keyring() {
  return std::make_shared<const token::Keyring>(
      std::vector<token::Keyring::Secret>{{1, std::string(32, 'k')}});
}

void BM_TokenSign(benchmark::State& state) {
  token::TokenCodec codec(keyring());
  auto f = test::reference_link();
  std::int64_t i = 0;
  for (auto _ : state) {
    f.issued_at = 1790000000 + (i++ & 0xffff);  // vary the input so no result is reused
    benchmark::DoNotOptimize(codec.encode(f, "links.example.com"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokenSign);

void BM_TokenVerify(benchmark::State& state) {
  token::TokenCodec codec(keyring());
  std::vector<std::string> tokens;
  auto f = test::reference_link();
  for (int i = 0; i < 1024; ++i) {
    f.recipient = std::to_string(1000000 + i);
    tokens.push_back(codec.encode(f, "links.example.com"));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto d = codec.decode(tokens[i++ & 1023], "links.example.com", 1790000000);
    if (d.status != token::DecodeStatus::ok) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokenVerify);

void BM_Rewrite(benchmark::State& state) {
  const std::string html = newsletter();
  token::TokenCodec codec(keyring());
  auto track = [&](const std::string& url, const std::string& id) {
    token::LinkFields f;
    f.url = url;
    f.link = id;
    f.issued_at = 1790000000;
    std::string tracked = "https://links.example.com/c/";
    tracked += codec.encode(f, "links.example.com");
    return tracked;
  };
  for (auto _ : state) {
    rewrite::RewriteReport report;
    benchmark::DoNotOptimize(rewrite::rewrite_html(html, track, std::nullopt, report));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * html.size()));
}
BENCHMARK(BM_Rewrite)->Unit(benchmark::kMillisecond);

// The same document with a constant tracked URL: the HTML side alone, without minting tokens.
void BM_RewriteParseOnly(benchmark::State& state) {
  const std::string html = newsletter();
  auto track = [](const std::string&, const std::string&) {
    return std::string("https://links.example.com/c/x");
  };
  for (auto _ : state) {
    rewrite::RewriteReport report;
    benchmark::DoNotOptimize(rewrite::rewrite_html(html, track, std::nullopt, report));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * html.size()));
}
BENCHMARK(BM_RewriteParseOnly)->Unit(benchmark::kMillisecond);

// The verdict on one click with the built-in rules, as the handler asks for it: a browser's
// navigation (no signal), a gateway's thin request (several), a link preview (user agent).
void BM_Classify(benchmark::State& state) {
  config::Config c;
  config::SourceMap map;
  config::Diagnostics diag("bench.yaml", &map);
  std::vector<std::string> errors;
  config::resolve_bot_rules(c, diag, errors);
  const classify::Classifier classifier(c.bot_rules);
  classify::Observation o;
  o.navigation = true;
  o.ip = net::IpAddress::parse("198.51.100.23");
  o.sent_at = 1790000000;
  o.time_ms = 1790000100000;
  o.evidence = classify::evidence::accept | classify::evidence::accept_language |
               classify::evidence::sec_fetch | classify::evidence::navigate |
               classify::evidence::secure;
  o.user_agent =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/131.0.0.0 Safari/537.36";
  if (state.range(0) == 1) {  // Safe Links: EOP network, thin headers, seconds after sending
    o.ip = net::IpAddress::parse("40.94.10.7");
    o.evidence = classify::evidence::accept | classify::evidence::secure;
    o.time_ms = 1790000002000;
  } else if (state.range(0) == 2) {
    o.user_agent = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";
  }
  for (auto _ : state) benchmark::DoNotOptimize(classifier.assess(o));
  state.SetLabel(state.range(0) == 0 ? "browser" : state.range(0) == 1 ? "gateway" : "preview");
}
BENCHMARK(BM_Classify)->Arg(0)->Arg(1)->Arg(2);

// Sustained events/s into the SQLite click log: a producer submits as fast as the queue takes
// them (retrying when full) and the writer commits batches of `batch_max`.
void BM_ClickLogSustained(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / "linktrack-bench-clicklog";
  const std::int64_t events = 400000;
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    config::Store store;
    store.path = (dir / "clicks.db").string();
    store.batch_max = state.range(0);
    store.queue_capacity = 65536;
    clicklog::WriterStats stats;
    clicklog::SqliteWriter writer(store, clicklog::Retention{}, stats);
    // Clicks as a send produces them: recipients in random order, a few campaigns at once.
    std::mt19937_64 rng(7);
    const auto started = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < events; ++i) {
      clicklog::ClickEvent e;
      e.time_ms = 1790000000000 + i;
      e.host = "links.example.com";
      e.campaign = "spring-2026-" + std::to_string(i % 4);
      e.template_id = "7890";
      e.message = "0123456789abcdef0123456789abcdef";
      e.recipient = std::to_string(1000000 + rng() % 9000000);
      e.link = "3";
      e.destination = "https://www.example.com/products/spring-sale?utm_source=email";
      e.client_ip = "203.0.113.7";
      e.user_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15";
      e.key_id = 1;
      e.sent_at = 1789999000;
      e.verdict = i % 5 ? classify::Verdict::human : classify::Verdict::suspect;
      if (i % 5 == 0) e.reasons = "headers:no-accept-language net:cloud";
      e.evidence = 47;
      // Full: wait a little and offer it again (counted in dropped_retried), never lose it.
      while (!writer.submit(clicklog::ClickEvent(e)))
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    writer.stop();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    state.SetIterationTime(seconds);
    state.counters["events_per_s"] = static_cast<double>(stats.written) / seconds;
    state.counters["batches"] = static_cast<double>(stats.batches);
    // What the writer alone sustains: events over the time spent inside its transactions.
    state.counters["writer_events_per_s"] =
        static_cast<double>(stats.written) / (static_cast<double>(stats.batch_micros_total) / 1e6);
    state.counters["dropped_retried"] = static_cast<double>(stats.dropped);
  }
  std::filesystem::remove_all(dir);
  state.SetLabel("batch_max=" + std::to_string(state.range(0)));
}
BENCHMARK(BM_ClickLogSustained)
    ->Arg(256)
    ->Arg(1024)
    ->Arg(4096)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
