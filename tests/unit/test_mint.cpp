#include <catch2/catch.hpp>

#include "config/host_index.hpp"
#include "mint/link_minter.hpp"
#include "test_helpers.hpp"
#include "token/codec.hpp"
#include "util/base64.hpp"

using namespace linktrack;

namespace {

config::Config two_domains() {
  config::Config c;
  config::TokenKey k;
  k.id = 3;
  k.secret = *util::base64_decode(test::kTestSecret);
  c.keys.push_back(k);
  config::Domain a;
  a.host = "links.example.com";
  a.aliases = {"click.example.com"};
  a.tls = config::TlsFiles{"a.crt", "a.key"};
  c.domains.push_back(a);
  config::Domain b;
  b.host = "links.example.org";
  c.domains.push_back(b);
  return c;
}

}  // namespace

TEST_CASE("host index: hosts and aliases to their domain, nothing else") {
  auto c = two_domains();
  config::HostIndex index(c);
  CHECK(index.find("links.example.com") == &c.domains[0]);
  CHECK(index.find("click.example.com") == &c.domains[0]);
  CHECK(index.find("links.example.org") == &c.domains[1]);
  CHECK(index.find("example.com") == nullptr);
  CHECK(index.find("") == nullptr);
  CHECK(config::HostIndex().find("links.example.com") == nullptr);
}

TEST_CASE("minter: tracked URLs on the requested host, tokens bound to the domain's host") {
  auto c = two_domains();
  token::LinkFields f;
  f.url = "https://shop.example.com/";
  f.issued_at = 1790000000;
  f.campaign = "spring";
  mint::LinkMinter alias(c, c.domains[0], "click.example.com");
  const auto url = alias.mint(f);
  REQUIRE(url.rfind("https://click.example.com/c/", 0) == 0);
  token::TokenCodec codec(mint::keyring_from(c));
  const auto token = url.substr(std::string("https://click.example.com/c/").size());
  auto decoded = codec.decode(token, "links.example.com", 1790000001);
  REQUIRE(decoded.status == token::DecodeStatus::ok);
  CHECK(decoded.key_id == 3);
  CHECK(decoded.fields == f);
  CHECK(codec.decode(token, "click.example.com", 1790000001).status ==
        token::DecodeStatus::bad_tag);

  mint::LinkMinter plain(c, c.domains[1], "links.example.org");
  f.kind = token::Kind::open;
  f.url.clear();
  CHECK(plain.mint(f).rfind("http://links.example.org/o/", 0) == 0);
  mint::LinkMinter based(c, c.domains[1], "links.example.org", "https://links.example.org:8443//");
  CHECK(based.mint(f).rfind("https://links.example.org:8443/o/", 0) == 0);
  // public_url: its scheme, name and port, and an alias the sender named keeps its name.
  c.domains[1].public_url = "https://links.example.org:8443";
  c.domains[1].public_url_https = true;
  c.domains[1].public_url_host = "links.example.org";
  c.domains[1].public_port_suffix = ":8443";
  CHECK(mint::LinkMinter(c, c.domains[1], "links.example.org")
            .mint(f)
            .rfind("https://links.example.org:8443/o/", 0) == 0);
  c.domains[0].public_url_https = false;
  c.domains[0].public_url_host = "links.example.com";
  CHECK(mint::LinkMinter(c, c.domains[0], "links.example.com")
            .mint(f)
            .rfind("http://links.example.com/o/", 0) == 0);
  CHECK(mint::LinkMinter(c, c.domains[0], "click.example.com")
            .mint(f)
            .rfind("http://click.example.com/o/", 0) == 0);
  f.kind = token::Kind::click;
  f.url = "javascript:alert(1)";
  CHECK_THROWS_AS(plain.mint(f), std::invalid_argument);
}
