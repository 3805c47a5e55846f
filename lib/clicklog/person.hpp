// Who an event stands for, as a 64-bit hash: the recipient id when the link carried one, else
// the client's address and user agent. Stats count distinct hashes; two different people share
// one with a chance of about one in 10^13 on a 10-million-event log.
#pragma once

#include <cstdint>
#include <string_view>

namespace linktrack::clicklog {

inline std::uint64_t person_hash(std::string_view recipient, bool has_recipient,
                                 std::string_view ip, std::string_view user_agent) {
  // FNV-1a, 64-bit: simple, and spreads short ids well; the tag keeps "r:" and "a:" apart.
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  if (has_recipient) {
    mix("r:");
    mix(recipient);
  } else {
    mix("a:");
    mix(ip);
    mix("|");
    mix(user_agent);
  }
  return h;
}

}  // namespace linktrack::clicklog
