#include <catch2/catch.hpp>

#include <boost/url/parse.hpp>

#include "../fuzz/boost_append_query.hpp"
#include "http/append_query.hpp"
#include "net/destination.hpp"

using namespace linktrack;

TEST_CASE("append_query adds what the query lacks, before the fragment, as Boost.URL would") {
  const std::vector<std::pair<std::string, std::string>> raw = {
      {"utm_source", "email"}, {"a b", "c&d=e#f"}, {"x+y", "100%"}, {"from", ""}};
  const auto params = http::QueryParams::of(raw);
  for (const char* url :
       {"https://shop.test", "https://shop.test/", "https://shop.test/p?", "https://shop.test/p?#",
        "https://shop.test/p#frag", "https://shop.test/p?#frag", "https://shop.test/p?q=1#f?g",
        "https://shop.test/p?utm_source=web", "https://shop.test/p?utm%5Fsource=web&x",
        "https://shop.test/p?a+b=1", "https://shop.test/p?a%20b=1&x%2By=2&from",
        "https://shop.test/p?q=1&", "https://shop.test/p?&&", "https://shop.test/p?=v",
        "https://shop.test/p?UTM_SOURCE=x", "https://shop.test:8443/a/b?c=d&e=f#g",
        "http://[2001:db8::1]:8080/?from=x", "https://shop.test/p?filter[size]=42|x#a{b}"}) {
    net::Destination d;
    REQUIRE_FALSE(net::destination_problem(url, d));
    const auto ours = http::append_query(d, params);
    REQUIRE(ours);
    CHECK(*ours == reference::boost_append_query(*boost::urls::parse_uri(d.location), raw));
    net::Destination again;
    CHECK_FALSE(net::destination_problem(*ours, again));
  }
  // Nothing to add: the destination's bytes as they were checked.
  net::Destination d;
  REQUIRE_FALSE(net::destination_problem("https://shop.test/p?utm_source=web#x", d));
  CHECK(*http::append_query(d, http::QueryParams::of({})) ==
        "https://shop.test/p?utm_source=web#x");
  CHECK(*http::append_query(d, http::QueryParams::of({{"utm_source", "email"}})) ==
        "https://shop.test/p?utm_source=web#x");
  // Past the size limit: refused, never cut.
  const std::string long_url = "https://shop.test/?" + std::string(4070, 'a');  // d views it
  REQUIRE_FALSE(net::destination_problem(long_url, d));
  CHECK_FALSE(http::append_query(d, http::QueryParams::of({{"utm_source", "email"}})));
}

TEST_CASE("a destination knows where its query and fragment are") {
  net::Destination d;
  REQUIRE_FALSE(net::destination_problem("https://shop.test/a?b=c#d?e", d));
  CHECK(d.query == 19);
  CHECK(d.fragment == 23);
  REQUIRE_FALSE(net::destination_problem("https://shop.test/a#d?e", d));
  CHECK(d.query == std::string_view::npos);
  CHECK(d.fragment == 19);
  REQUIRE_FALSE(net::destination_problem("https://shop.test", d));
  CHECK(d.query == std::string_view::npos);
  CHECK(d.fragment == std::string_view::npos);
  // An IP literal is Boost.URL's to check.
  CHECK(net::destination_problem("https://[zz::1]/"));
  CHECK_FALSE(net::destination_problem("https://[::1]:8443/"));
}
