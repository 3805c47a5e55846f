#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "net/destination.hpp"
#include "reference_link.hpp"
#include "test_helpers.hpp"
#include "token/codec.hpp"
#include "token/json_fields.hpp"
#include "token/payload.hpp"
#include "util/base64.hpp"
#include "util/utf8.hpp"

using namespace linktrack;
using token::DecodeStatus;

namespace {

constexpr std::int64_t kNow = 1790000000;
const std::string kHost = "links.example.com";

std::shared_ptr<const token::Keyring> keys(std::vector<std::pair<std::uint32_t, const char*>> ks) {
  std::vector<token::Keyring::Secret> secrets;
  for (auto [id, b64] : ks) secrets.push_back({id, *util::base64_decode(b64)});
  return std::make_shared<const token::Keyring>(secrets);
}

}  // namespace

TEST_CASE("every combination of fields round-trips") {
  token::TokenCodec codec(keys({{1, test::kTestSecret}}));
  const std::vector<std::string> samples = {
      "0",           "42", "0042",   "deadbeef", "DEADBEEF", "f47ac10b-58cc-4372-a567-0e02b2c3d479",
      "Spring Sale", "",   "ünïcode"};
  int checked = 0;
  for (int mask = 0; mask < 256; ++mask) {
    token::LinkFields f;
    f.issued_at = kNow + mask;
    f.kind = mask & 1 ? token::Kind::open : token::Kind::click;
    if (!(mask & 1) || (mask & 2)) f.url = "https://example.com/p?i=" + std::to_string(mask);
    if (mask & 4) f.expires_at = f.issued_at + 3600;
    std::optional<std::string>* ids[] = {&f.campaign, &f.template_id, &f.message, &f.recipient,
                                         &f.link};
    for (int i = 0; i < 5; ++i)
      if (mask & (8 << i)) *ids[i] = samples[(mask + i) % samples.size()];
    auto t = codec.encode(f, kHost);
    auto d = codec.decode(t, kHost, kNow);
    INFO("mask " << mask << " token " << t);
    REQUIRE(d.status == DecodeStatus::ok);
    CHECK(d.fields == f);
    CHECK(d.key_id == 1);
    ++checked;
  }
  CHECK(checked == 256);
}

TEST_CASE("one link always gives one token; different links give different tokens") {
  token::TokenCodec codec(keys({{1, test::kTestSecret}}));
  auto f = test::reference_link(kNow);
  CHECK(codec.encode(f, kHost) == codec.encode(f, kHost));
  auto g = f;
  g.recipient = "987654322";
  CHECK(codec.encode(f, kHost) != codec.encode(g, kHost));
}

TEST_CASE("flipping any single bit of a token is rejected") {
  token::TokenCodec codec(keys({{1, test::kTestSecret}}));
  auto raw = *util::base64url_decode(codec.encode(test::reference_link(kNow), kHost));
  for (std::size_t bit = 0; bit < raw.size() * 8; ++bit) {
    auto flipped = raw;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    auto d = codec.decode(util::base64url_encode(flipped), kHost, kNow);
    INFO("bit " << bit);
    CHECK(d.status != DecodeStatus::ok);
  }
}

TEST_CASE("truncated and extended tokens are rejected") {
  token::TokenCodec codec(keys({{1, test::kTestSecret}}));
  auto t = codec.encode(test::reference_link(kNow), kHost);
  for (std::size_t n = 0; n < t.size(); ++n)
    CHECK(codec.decode(t.substr(0, n), kHost, kNow).status != DecodeStatus::ok);
  CHECK(codec.decode(t + "AA", kHost, kNow).status != DecodeStatus::ok);
  CHECK(codec.decode("not a token!", kHost, kNow).status == DecodeStatus::malformed);
}

TEST_CASE("keys rotate: a token signed with key 1 verifies after key 2 is put in front") {
  token::TokenCodec old_codec(keys({{1, test::kTestSecret}}));
  auto t = old_codec.encode(test::reference_link(kNow), kHost);
  token::TokenCodec rotated(keys({{2, test::kTestSecret2}, {1, test::kTestSecret}}));
  auto d = rotated.decode(t, kHost, kNow);
  CHECK(d.status == DecodeStatus::ok);
  CHECK(d.key_id == 1);
  auto fresh = rotated.encode(test::reference_link(kNow), kHost);
  CHECK(rotated.decode(fresh, kHost, kNow).key_id == 2);
  // Once key 1 is removed, its tokens name an unknown key.
  token::TokenCodec only2(keys({{2, test::kTestSecret2}}));
  CHECK(only2.decode(t, kHost, kNow).status == DecodeStatus::unknown_key);
  // The same id with a different secret fails the tag.
  token::TokenCodec wrong(keys({{1, test::kTestSecret2}}));
  CHECK(wrong.decode(t, kHost, kNow).status == DecodeStatus::bad_tag);
}

TEST_CASE("a token for host A fails on host B") {
  token::TokenCodec codec(keys({{1, test::kTestSecret}}));
  auto t = codec.encode(test::reference_link(kNow), "a.example.com");
  CHECK(codec.decode(t, "a.example.com", kNow).status == DecodeStatus::ok);
  CHECK(codec.decode(t, "b.example.com", kNow).status == DecodeStatus::bad_tag);
}

TEST_CASE("an expired token is reported as expired, with its fields") {
  token::TokenCodec codec(keys({{1, test::kTestSecret}}));
  auto f = test::reference_link(kNow);
  f.expires_at = kNow + 60;
  auto t = codec.encode(f, kHost);
  CHECK(codec.decode(t, kHost, kNow + 59).status == DecodeStatus::ok);
  auto d = codec.decode(t, kHost, kNow + 60);
  CHECK(d.status == DecodeStatus::expired);
  CHECK(d.fields.url == f.url);
}

TEST_CASE("the reference link's tracked URL is at most 260 characters") {
  token::TokenCodec codec(keys({{1, test::kTestSecret}}));
  auto f = test::reference_link(kNow);
  REQUIRE(f.url.size() == 120);
  auto url = "https://" + kHost + "/c/" + codec.encode(f, kHost);
  INFO(url);
  CHECK(url.size() <= 260);
}

TEST_CASE("tokens.json vectors hold in both directions") {
  std::ifstream in(std::string(LINKTRACK_TEST_DATA) + "/vectors/tokens.json");
  REQUIRE(in);
  auto doc = nlohmann::json::parse(in);
  REQUIRE(doc["vectors"].size() >= 5);
  for (const auto& v : doc["vectors"]) {
    INFO(v["name"].get<std::string>());
    const auto id = v["key_id"].get<std::uint32_t>();
    const auto secret = doc["keys"][std::to_string(id)].get<std::string>();
    token::TokenCodec codec(keys({{id, secret.c_str()}}));
    const auto& j = v["fields"];
    token::LinkFields f;
    f.kind = j["kind"] == "open"       ? token::Kind::open
             : j["kind"] == "honeypot" ? token::Kind::honeypot
                                       : token::Kind::click;
    f.url = j.value("url", "");
    auto opt = [&](const char* k) -> std::optional<std::string> {
      return j.contains(k) ? std::optional(j[k].get<std::string>()) : std::nullopt;
    };
    f.campaign = opt("campaign");
    f.template_id = opt("template");
    f.message = opt("message");
    f.recipient = opt("recipient");
    f.link = opt("link");
    f.issued_at = j["issued_at"].get<std::int64_t>();
    if (j.contains("expires_at")) f.expires_at = j["expires_at"].get<std::int64_t>();
    const auto host = v["host"].get<std::string>();
    const auto tok = v["token"].get<std::string>();
    CHECK(codec.encode(f, host) == tok);
    auto d = codec.decode(tok, host, f.issued_at);
    REQUIRE(d.status == DecodeStatus::ok);
    CHECK(d.fields == f);
    std::string payload;
    token::encode_payload(f, payload);
    std::string hex;
    for (unsigned char c : payload) {
      const char* digits = "0123456789abcdef";
      hex += digits[c >> 4];
      hex += digits[c & 15];
    }
    CHECK(hex == v["payload_hex"].get<std::string>());
  }
}

TEST_CASE("destinations are checked when signing") {
  CHECK_FALSE(net::destination_problem("https://example.com/a?b=c#d"));
  CHECK_FALSE(net::destination_problem("HTTP://EXAMPLE.COM"));
  CHECK(net::destination_problem("javascript:alert(1)"));
  CHECK(net::destination_problem("ftp://example.com/"));
  CHECK(net::destination_problem("//example.com/"));
  CHECK(net::destination_problem("/relative"));
  CHECK(net::destination_problem("https:///nohost"));
  CHECK(net::destination_problem("https://example.com/a b"));
  CHECK(net::destination_problem("https://example.com/\r\nSet-Cookie: x"));
  CHECK(net::destination_problem("https://example.com/\x7f"));
  CHECK(net::destination_problem("https://user:pw@example.com/"));
  CHECK(net::destination_problem("https://example.com/" + std::string(4096, 'a')));
  CHECK(net::destination_problem(""));

  token::TokenCodec codec(keys({{1, test::kTestSecret}}));
  token::LinkFields f;
  f.issued_at = kNow;
  f.url = "javascript:alert(1)";
  CHECK_THROWS_AS(codec.encode(f, kHost), std::invalid_argument);
}

TEST_CASE("payloads that do not parse are refused") {
  CHECK_FALSE(token::decode_payload(""));
  CHECK_FALSE(token::decode_payload(std::string("\x00", 1)));          // click without URL
  CHECK_FALSE(token::decode_payload(std::string("\x01\x80", 2)));      // truncated varint
  CHECK_FALSE(token::decode_payload(std::string("\x01\x00\x00", 3)));  // trailing byte
  CHECK_FALSE(token::decode_payload(std::string("\x03\x00\x0d", 3)));  // prefix code 5
  CHECK(token::decode_payload(std::string("\x01\x00", 2)));            // a bare open
}

TEST_CASE("text ids must be UTF-8: refused when signing, malformed when decoding") {
  CHECK(util::is_utf8("café, 東京, 🙂"));
  CHECK(util::is_utf8(""));
  for (const char* bad :
       {"caf\xe9", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80", "\xff"})
    CHECK_FALSE(util::is_utf8(bad));

  token::TokenCodec codec(keys({{1, test::kTestSecret}}));
  token::LinkFields f;
  f.issued_at = kNow;
  f.url = "https://example.com/";
  f.campaign = "caf\xe9";
  CHECK_THROWS_WITH(codec.encode(f, kHost), Catch::Contains("UTF-8"));
  // An open with campaign "caf\xe9" (a text id of 4 bytes), as a careless signer would make it.
  CHECK_FALSE(
      token::decode_payload(std::string("\x09\x00\x13"
                                        "caf\xe9",
                                        7)));
  auto good =
      token::decode_payload(std::string("\x09\x00\x17"
                                        "caf\xc3\xa9",
                                        8));
  REQUIRE(good);
  CHECK(*good->campaign == "café");
}

TEST_CASE("destinations: what browsers accept is signed, and encoded only where RFC 3986 must") {
  auto location = [](std::string_view url) {
    net::Destination d;
    auto problem = net::destination_problem(url, d);
    return problem ? "refused: " + *problem : std::string(d.location);
  };
  CHECK(location("https://example.com/a?b=c#d") == "https://example.com/a?b=c#d");
  CHECK(location("https://example.com/list?filter[size]=42") ==
        "https://example.com/list?filter%5Bsize%5D=42");
  CHECK(location("https://example.com/{a}|b^?x={y}&z=\"<>`") ==
        "https://example.com/%7Ba%7D%7Cb%5E?x=%7By%7D&z=%22%3C%3E%60");
  CHECK(location("https://example.com/100%?q=%zz%4") == "https://example.com/100%25?q=%25zz%254");
  CHECK(location("https://example.com/%41?q=%2F") == "https://example.com/%41?q=%2F");
  CHECK(location("https://example.com/p?q=a\\b#frag#ment") ==
        "https://example.com/p?q=a%5Cb#frag%23ment");
  CHECK(location("https://[2001:db8::1]:8443/x") == "https://[2001:db8::1]:8443/x");
  CHECK(location("https://example.com:65535") == "https://example.com:65535");
  CHECK(location("https://example.com:65536/") == "refused: the port 65536 is over 65535");
  CHECK(location("https://example.com:99999999/").find("0 to 65535") != std::string::npos);
  CHECK(location("https://example.com:8a/").find("not a number") != std::string::npos);
  CHECK(location("https://example.com/a\\b").find("backslash") != std::string::npos);
  CHECK(location("https://example.com\\@evil.com/").find("backslash") != std::string::npos);
  CHECK(location("https://exa{mple.com/").find("host contains '{'") != std::string::npos);
  CHECK(location("https://[::1/").find("closing ']'") != std::string::npos);
  CHECK(location("https://[zz]/").find("not a valid URL") != std::string::npos);
  CHECK(location("mailto:a@b.c").find("only http and https") != std::string::npos);
  CHECK(location("example.com/x").find("must start with http") != std::string::npos);
  CHECK(location("https:example.com").find("has no host") != std::string::npos);
  // Encoding may not push a URL past the size limit.
  CHECK(location("https://example.com/" + std::string(1400, '|')).find("once percent-encoded") !=
        std::string::npos);
}

TEST_CASE("JSON fields: what decode prints, only the fields a link has") {
  token::LinkFields f;
  f.url = "https://example.com/";
  f.issued_at = kNow;
  f.campaign = "spring";
  f.recipient = "42";
  auto j = token::to_json(f);
  CHECK(
      j.dump() ==
      R"({"campaign":"spring","issued_at":1790000000,"kind":"click","recipient":"42","url":"https://example.com/"})");
  f.kind = token::Kind::open;
  f.url.clear();
  f.expires_at = kNow + 60;
  j = token::to_json(f);
  CHECK(j["kind"] == "open");
  CHECK_FALSE(j.contains("url"));
  CHECK(j["expires_at"] == kNow + 60);
}
