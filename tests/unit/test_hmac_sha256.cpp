// The keyed HMAC-SHA256 against RFC 4231's test vectors, and OpenSSL's own HMAC.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "token/hmac_sha256.hpp"

using linktrack::token::HmacSha256;

namespace {

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::string mac(const std::vector<unsigned char>& key, const std::vector<std::string>& parts) {
  const HmacSha256 keyed(key);
  auto running = keyed.start();
  for (const auto& p : parts) running.update(p);
  unsigned char out[32];
  running.finish(out);
  return hex(out, sizeof out);
}

}  // namespace

TEST_CASE("HMAC-SHA256: RFC 4231 vectors, in one piece or several") {
  // Test case 1: a 20-byte key.
  const std::vector<unsigned char> key1(20, 0x0b);
  const std::string case1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  CHECK(mac(key1, {"Hi There"}) == case1);
  CHECK(mac(key1, {"Hi", " ", "There"}) == case1);
  // Test case 2: a key shorter than the output.
  const std::vector<unsigned char> key2{'J', 'e', 'f', 'e'};
  CHECK(mac(key2, {"what do ya want for nothing?"}) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than a block is hashed first.
  const std::vector<unsigned char> key6(131, 0xaa);
  CHECK(mac(key6, {"Test Using Larger Than Block-Size Key - Hash Key First"}) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("HMAC-SHA256: the same as OpenSSL's HMAC for a 32-byte key and many lengths") {
  std::vector<unsigned char> key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 1);
  const HmacSha256 keyed(key);
  std::string data;
  for (int n = 0; n < 300; ++n) {
    auto running = keyed.start();  // the keyed state is reused, never changed
    running.update(data);
    unsigned char ours[32];
    running.finish(ours);
    unsigned char theirs[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), theirs, &len);
    REQUIRE(hex(ours, 32) == hex(theirs, len));
    data += static_cast<char>('a' + n % 26);
  }
}
