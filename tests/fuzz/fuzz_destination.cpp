// libFuzzer target for destinations: what is accepted is a URI Boost.URL's parse_uri() accepts,
// becomes a Location that passes the same check unchanged (the encoding is idempotent), holds
// no byte a header may not, and keeps passing once append_query has added its parameters,
// which it adds exactly as Boost.URL's params().append() would.
//   ./build-fuzz/fuzz_destination tests/fuzz/corpus/destination -max_total_time=60
#include <boost/url/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "boost_append_query.hpp"
#include "http/append_query.hpp"
#include "net/destination.hpp"

using namespace linktrack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  net::Destination d;
  if (net::destination_problem(url, d)) return 0;
  const auto parsed = boost::urls::parse_uri(d.location);
  if (!parsed) std::abort();
  for (unsigned char c : d.location)
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
        c == '`' || c == '{' || c == '|' || c == '}')
      std::abort();
  net::Destination again;
  if (net::destination_problem(d.location, again) || again.location != d.location) std::abort();
  static const std::vector<std::pair<std::string, std::string>> raw = {
      {"utm_source", "email"}, {"a b", "c&d=e#f"}, {"x+y", "%"}};
  static const auto params = http::QueryParams::of(raw);
  auto appended = http::append_query(d, params);
  if (appended) {
    if (*appended != reference::boost_append_query(*parsed, raw)) std::abort();
    net::Destination third;
    if (net::destination_problem(*appended, third)) std::abort();
    // Appending to "?" or to no query starts the query with a parameter, not with "&".
    const auto query = appended->find('?');
    if (query != std::string::npos && appended->compare(query, 2, "?&") == 0 &&
        d.location.compare(query, 2, "?&") != 0)
      std::abort();
  }
  return 0;
}
