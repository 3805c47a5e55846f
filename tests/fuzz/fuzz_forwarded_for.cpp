// libFuzzer target for the viewer behind proxies: whatever X-Forwarded-For, Forwarded,
// CF-Connecting-IP, CF-Visitor and CloudFront's headers say, an untrusted peer is its own
// client over its own scheme and Host, and the answer is never a trusted proxy unless every
// hop was one.
//   ./build-fuzz/fuzz_forwarded_for tests/fuzz/corpus/forwarded_for -max_total_time=60
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/viewer.hpp"

using namespace linktrack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<net::Cidr> trusted = {*net::Cidr::parse("10.0.0.0/8"),
                                                 *net::Cidr::parse("fd00::/8")};
  if (size < 1) return 0;
  const bool from_proxy = data[0] & 1;
  const bool tls = data[0] & 2;
  const auto peer = *net::IpAddress::parse(from_proxy ? "10.9.9.9" : "198.51.100.1");
  // Lines, in order: X-Forwarded-For, Forwarded, CF-Connecting-IP, CF-Visitor,
  // CloudFront-Forwarded-Proto, CloudFront-Viewer-Address, X-Forwarded-Proto, X-Forwarded-Host.
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::array<std::string_view, 8> line{};
  for (auto& l : line) {
    const auto split = rest.find('\n');
    l = rest.substr(0, split);
    rest = split == std::string_view::npos ? std::string_view{} : rest.substr(split + 1);
  }
  http::ForwardedHeaders h{.x_forwarded_for = line[0],
                           .x_forwarded_proto = line[6],
                           .x_forwarded_host = line[7],
                           .forwarded = line[1],
                           .cf_connecting_ip = line[2],
                           .cf_visitor = line[3],
                           .cloudfront_forwarded_proto = line[4],
                           .cloudfront_viewer_address = line[5]};
  const auto v = http::viewer_of(peer, tls, "host.example", h, trusted);
  if (!from_proxy &&
      (!(v.address == peer) || v.https != tls || v.host != "host.example" || v.scheme_forwarded))
    std::abort();
  (void)v.address.to_string();
  (void)net::truncate(v.address, 24, 48);
  return 0;
}
