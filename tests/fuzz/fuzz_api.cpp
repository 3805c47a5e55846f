// libFuzzer target for the admin API on whatever a caller sends: any method, target and body
// reaches an answer with a JSON error or a success, never a crash; with a valid key the
// endpoints parse their bodies and parameters (links, rewrite, forget) and the log, here
// unreadable, is answered 503.
//   ./build-fuzz/fuzz_api tests/fuzz/corpus/api -max_total_time=60
// Input: METHOD \n TARGET \n BODY.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "api/api.hpp"

using namespace linktrack;

namespace {

const config::Config& fuzz_config() {
  static const config::Config c = [] {
    config::Config c;
    config::TokenKey k;
    k.id = 1;
    k.secret = std::string(32, 'k');
    c.keys.push_back(k);
    config::Domain d;
    d.host = "links.example.com";
    d.aliases = {"click.example.com"};
    c.domains.push_back(d);
    config::ApiKey a;
    a.id = "fuzz";
    a.secret = "fuzz-secret-0123456789";
    a.scope_bits = 7;
    c.api.keys.push_back(a);
    return c;
  }();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const api::KeyTable keys = [] {
    spdlog::set_level(spdlog::level::off);  // the router logs what the log's failure was
    return api::KeyTable(fuzz_config().api.keys);
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto first = input.find('\n');
  if (first == std::string_view::npos) return 0;
  const auto second = input.find('\n', first + 1);
  if (second == std::string_view::npos) return 0;
  api::Context ctx{fuzz_config(), 1790000000000, {}, {}, {}};
  ctx.reader = []() -> clicklog::Database& { throw clicklog::DatabaseError("no log", 14); };
  ctx.writer = ctx.reader;
  const auto out = api::handle({input.substr(0, first), input.substr(first + 1, second - first - 1),
                                "Bearer fuzz-secret-0123456789", input.substr(second + 1)},
                               ctx, keys);
  const auto& r = out.response;
  if (!r.no_store || r.status < 200 || r.status > 599) std::abort();
  // Every refusal is a JSON error.
  if (r.status >= 400 && r.body.rfind("{\"error\":{\"code\":", 0) != 0) std::abort();
  return 0;
}
