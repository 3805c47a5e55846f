// libFuzzer target for the client address behind proxies: whatever X-Forwarded-For and
// CF-Connecting-IP say, an untrusted peer is its own client, and the answer is never a
// trusted proxy unless every hop was one.
//   ./build-fuzz/fuzz_forwarded_for tests/fuzz/corpus/forwarded_for -max_total_time=60
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/client_address.hpp"

using namespace linktrack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<net::Cidr> trusted = {*net::Cidr::parse("10.0.0.0/8"),
                                                 *net::Cidr::parse("fd00::/8")};
  if (size < 1) return 0;
  const auto peer = *net::IpAddress::parse((data[0] & 1) ? "10.9.9.9" : "198.51.100.1");
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto split = rest.find('\n');
  const std::string_view xff = rest.substr(0, split);
  const std::string_view cf = split == std::string_view::npos ? "" : rest.substr(split + 1);
  const auto client = http::client_address(peer, xff, cf, trusted);
  if (!(data[0] & 1) && !(client == peer)) std::abort();
  (void)client.to_string();
  (void)net::truncate(client, 24, 48);
  return 0;
}
