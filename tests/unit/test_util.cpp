// util: durations, base64, suggestions, UTF-8 and the published-snapshot holder.
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "util/base64.hpp"
#include "util/did_you_mean.hpp"
#include "util/duration.hpp"
#include "util/published.hpp"
#include "util/time_text.hpp"
#include "util/utf8.hpp"

using namespace linktrack;

TEST_CASE("durations") {
  CHECK(util::parse_duration_seconds("30d") == 30 * 86400);
  CHECK(util::parse_duration_seconds("12h") == 12 * 3600);
  CHECK(util::parse_duration_seconds("45m") == 45 * 60);
  CHECK(util::parse_duration_seconds("90") == 90);
  CHECK_FALSE(util::parse_duration_seconds("soon"));
  CHECK_FALSE(util::parse_duration_seconds("-1d"));
  CHECK_FALSE(util::parse_duration_seconds("d"));
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

TEST_CASE("base64url's table decoder agrees with OpenSSL's on any text") {
  // The reference: translated to the standard alphabet, padded, through OpenSSL, and the same
  // rule for spare bits (which the round trip through the encoder checks).
  const auto reference = [](std::string_view text) -> std::optional<std::string> {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string s;
    for (char c : text) {
      if (c == '+' || c == '/' || c == '=' || c == ' ' || c == '\n') return std::nullopt;
      s.push_back(c == '-' ? '+' : c == '_' ? '/' : c);
    }
    s.append((4 - s.size() % 4) % 4, '=');
    auto bytes = util::base64_decode(s);
    if (!bytes || util::base64url_encode(*bytes) != text) return std::nullopt;
    return bytes;
  };
  const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n.\x80";
  std::uint32_t seed = 12345;
  const auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  for (int round = 0; round < 20000; ++round) {
    std::string text(next() % 40, 'A');
    const bool valid_only = round % 2 == 0;
    for (char& c : text) c = chars[next() % (valid_only ? 64 : chars.size())];
    INFO(text);
    CHECK(util::base64url_decode(text) == reference(text));
  }
}

TEST_CASE("did you mean") {
  CHECK(util::closest("fallback_urll", {"host", "fallback_url"}) == "fallback_url");
  CHECK_FALSE(util::closest("zzzzzz", {"host", "fallback_url"}));
}

TEST_CASE("UTF-8: well-formed text only (no overlongs, surrogates or code points past U+10FFFF)") {
  CHECK(util::is_utf8("caf\xc3\xa9"));
  CHECK(util::is_utf8("\xf0\x9f\x99\x82"));    // U+1F642
  CHECK(util::is_utf8("\xf4\x8f\xbf\xbf"));    // U+10FFFF, the last code point
  CHECK_FALSE(util::is_utf8("\xc1\xbf"));      // overlong
  CHECK_FALSE(util::is_utf8("\xe0\x9f\xbf"));  // overlong three-byte
  CHECK_FALSE(util::is_utf8("\xed\xbf\xbf"));  // surrogate
  CHECK_FALSE(util::is_utf8("\xf0\x9f\x99"));  // truncated
}

TEST_CASE("a published value: readers see a replacement once, then keep their copy") {
  util::Published<std::string> value(std::make_shared<const std::string>("first"));
  std::uint64_t generation = 0;
  std::shared_ptr<const std::string> copy;
  CHECK(value.refresh(generation, copy));
  CHECK(*copy == "first");
  CHECK_FALSE(value.refresh(generation, copy));
  value.replace(std::make_shared<const std::string>("second"));
  CHECK(value.refresh(generation, copy));
  CHECK(*copy == "second");
  CHECK_FALSE(value.refresh(generation, copy));
}

TEST_CASE("RFC 3339 times: offsets, fractions, dates; nonsense refused") {
  using util::parse_rfc3339_ms;
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_ms("2026-11-01T00:00:00Z") == 1793491200000);
  CHECK(parse_rfc3339_ms("2026-11-01T01:00:00+01:00") == 1793491200000);
  CHECK(parse_rfc3339_ms("2026-10-31T19:30:00.250-04:30") == 1793491200250);
  CHECK(parse_rfc3339_ms("2026-11-01t00:00:00.123456z") == 1793491200123);
  CHECK(parse_rfc3339_ms("2026-11-01") == 1793491200000);
  CHECK(parse_rfc3339_ms("2024-02-29T00:00:00Z").has_value());
  for (const char* bad : {"2026-11-01T00:00:00", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-11-01T24:00:00Z", "2026-11-01T00:00:60Z", "2026-11-01T00:00Z",
                          "2026-11-01T00:00:00.Z", "2026-11-01T00:00:00+0100", "26-11-01", "",
                          "2026-11-01T00:00:00Zjunk"})
    CHECK_FALSE(parse_rfc3339_ms(bad).has_value());
  CHECK(util::parse_time_bound_ms("7d", 1000000000000) == 1000000000000 - 7 * 86400000LL);
  CHECK(util::parse_time_bound_ms("2026-11-01T00:00:00Z", 0) == 1793491200000);
  CHECK_FALSE(util::parse_time_bound_ms("yesterday", 0).has_value());
}
