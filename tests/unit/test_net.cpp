#include <catch2/catch.hpp>

#include <cstdlib>

#include "net/cidr.hpp"
#include "net/listen_address.hpp"
#include "net/pem_check.hpp"
#include "test_helpers.hpp"
#include "util/base64.hpp"
#include "util/did_you_mean.hpp"
#include "util/duration.hpp"

using namespace linktrack;

TEST_CASE("CIDR ranges match addresses of their family") {
  auto r = net::Cidr::parse("10.1.0.0/16");
  REQUIRE(r);
  CHECK(r->contains(*net::IpAddress::parse("10.1.200.3")));
  CHECK_FALSE(r->contains(*net::IpAddress::parse("10.2.0.1")));
  CHECK(r->contains(*net::IpAddress::parse("::ffff:10.1.2.3")));
  auto v6 = net::Cidr::parse("2001:db8::/32");
  REQUIRE(v6);
  CHECK(v6->contains(*net::IpAddress::parse("2001:db8:1::5")));
  CHECK_FALSE(v6->contains(*net::IpAddress::parse("10.1.2.3")));
  CHECK(net::Cidr::parse("127.0.0.1")->contains(*net::IpAddress::parse("127.0.0.1")));
  CHECK_FALSE(net::Cidr::parse("10.0.0.0/33"));
  CHECK_FALSE(net::Cidr::parse("10.0.0.0/"));
  CHECK_FALSE(net::Cidr::parse("banana/8"));
}

TEST_CASE("addresses truncate to /24 and /48") {
  CHECK(net::truncate(*net::IpAddress::parse("203.0.113.77"), 24, 48).to_string() == "203.0.113.0");
  CHECK(net::truncate(*net::IpAddress::parse("2001:db8:abcd:1234::1"), 24, 48).to_string() ==
        "2001:db8:abcd::");
}

TEST_CASE("listen addresses") {
  std::string error;
  CHECK(net::parse_listen_address("0.0.0.0:443", error)->port == 443);
  CHECK(net::parse_listen_address("[::]:8443", error)->host == "::");
  CHECK(net::parse_listen_address("localhost:80", error)->host == "127.0.0.1");
  CHECK_FALSE(net::parse_listen_address("0.0.0.0:65536", error));
  CHECK_FALSE(net::parse_listen_address("::1:80", error));
  CHECK_FALSE(net::parse_listen_address("example.com:80", error));
  CHECK_FALSE(net::parse_listen_address("[::1]80", error));
}

TEST_CASE("durations") {
  CHECK(util::parse_duration_seconds("30d") == 30 * 86400);
  CHECK(util::parse_duration_seconds("12h") == 12 * 3600);
  CHECK(util::parse_duration_seconds("45m") == 45 * 60);
  CHECK(util::parse_duration_seconds("90") == 90);
  CHECK_FALSE(util::parse_duration_seconds("soon"));
  CHECK_FALSE(util::parse_duration_seconds("-1d"));
  CHECK_FALSE(util::parse_duration_seconds("d"));
}

TEST_CASE("addresses print as they parse") {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "10.0.100.9", "192.168.1.20", "::1",
                           "2001:db8::7", "::ffff:10.1.2.3"})
    CHECK(net::IpAddress::parse(text)->to_string() == text);
}

TEST_CASE("base64 and base64url round trip; non-canonical spellings are refused") {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00\x01"}) {
    CHECK(util::base64_decode(util::base64_encode(s)) == s);
    CHECK(util::base64url_decode(util::base64url_encode(s)) == s);
  }
  CHECK(util::base64url_encode("\xfb\xff") == "-_8");
  CHECK_FALSE(util::base64url_decode("-_9"));  // stray low bits
  CHECK_FALSE(util::base64url_decode("ab+c"));
  CHECK_FALSE(util::base64url_decode("abcde"));
  CHECK_FALSE(util::base64_decode("abc"));
}

TEST_CASE("base64url: a 2- or 3-character tail decodes only when its spare bits are zero") {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  int two = 0, three = 0;
  for (char a : alphabet) {
    for (char b : alphabet) {
      for (const std::string& spelling : {std::string{a, b}, std::string{'Q', a, b}}) {
        const auto decoded = util::base64url_decode(spelling);
        // Accepted spellings are exactly the encodings of some bytes.
        if (decoded) CHECK(util::base64url_encode(*decoded) == spelling);
        (spelling.size() == 2 ? two : three) += decoded.has_value();
      }
    }
  }
  CHECK(two == 256);            // one spelling for each byte
  CHECK(three == 64 * 64 / 4);  // 16 bits in 18: the last character's 2 spare bits are zero
}

TEST_CASE("did you mean") {
  CHECK(util::closest("fallback_urll", {"host", "fallback_url"}) == "fallback_url");
  CHECK_FALSE(util::closest("zzzzzz", {"host", "fallback_url"}));
}

TEST_CASE("certificate pairs: readable PEM, and the key must belong to the certificate") {
  test::TempDir dir;
  auto make = [&](const std::string& name) {
    const auto crt = dir.file(name + ".crt"), key = dir.file(name + ".key");
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=" +
        name + " -keyout " + key + " -out " + crt + " 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return std::pair{crt, key};
  };
  auto [a_crt, a_key] = make("a");
  auto [b_crt, b_key] = make("b");
  CHECK_FALSE(net::certificate_pair_problem(a_crt, a_key));
  auto mismatch = net::certificate_pair_problem(a_crt, b_key);
  REQUIRE(mismatch);
  CHECK(mismatch->find("does not belong") != std::string::npos);
  CHECK(net::certificate_pair_problem(dir.file("missing.crt"), a_key));
  CHECK(net::certificate_pair_problem(dir.write("junk.crt", "not pem"), a_key));
  CHECK(net::certificate_pair_problem(a_crt, dir.write("junk.key", "not pem")));
}
