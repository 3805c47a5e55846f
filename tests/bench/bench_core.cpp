// Micro-benchmarks of the core: tokens signed and verified per second, rewrite throughput.
// Run with tests/bench/micro.sh.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

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

token::LinkFields reference() {
  token::LinkFields f;
  f.url =
      "https://www.example.com/products/spring-sale/shoes/running/"
      "item-12345?utm_campaign=spring&variant=blue&size=42&ref=nl001";
  f.campaign = "123456";
  f.template_id = "7890";
  f.message = "0123456789abcdef0123456789abcdef";
  f.recipient = "987654321";
  f.link = "3";
  f.issued_at = 1790000000;
  return f;
}

void BM_TokenSign(benchmark::State& state) {
  token::TokenCodec codec(keyring());
  auto f = reference();
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
  auto f = reference();
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

}  // namespace

BENCHMARK_MAIN();
