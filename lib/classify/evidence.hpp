// The shape of a request, as bits: what the classifier reads from headers, stored with each
// event (column `evidence`) so that re-scoring sees what the request looked like.
#pragma once

#include <cstdint>
#include <string_view>

namespace linktrack::classify {

namespace evidence {
inline constexpr std::uint32_t accept = 1u << 0;           // Accept was sent
inline constexpr std::uint32_t accept_language = 1u << 1;  // Accept-Language was sent
inline constexpr std::uint32_t sec_fetch = 1u << 2;        // Sec-Fetch-Mode was sent
inline constexpr std::uint32_t navigate = 1u << 3;         // … and it was `navigate`
inline constexpr std::uint32_t prefetch = 1u << 4;         // a prefetch or preview hint
inline constexpr std::uint32_t secure = 1u << 5;           // came over HTTPS
inline constexpr std::uint32_t honeypot = 1u << 6;         // the token is a honeypot link
}  // namespace evidence

// The headers the bits come from; empty when absent.
struct RequestHeaders {
  std::string_view accept, accept_language, sec_fetch_mode;
  std::string_view sec_purpose, purpose, x_purpose, x_moz;
  bool secure = false;
};

std::uint32_t evidence_of(const RequestHeaders& h);

}  // namespace linktrack::classify
