#include <catch2/catch.hpp>

#include <cstdlib>

#include "net/cidr.hpp"
#include "net/listen_address.hpp"
#include "net/pem_check.hpp"
#include "test_helpers.hpp"

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

TEST_CASE("addresses print as they parse") {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "10.0.100.9", "192.168.1.20", "::1",
                           "2001:db8::7", "::ffff:10.1.2.3"})
    CHECK(net::IpAddress::parse(text)->to_string() == text);
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
