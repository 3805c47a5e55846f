// "0.0.0.0:443", "[::]:443", "localhost:8080": where a listener binds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linktrack::net {

struct ListenAddress {
  std::string host;  // an IP literal, or "localhost"
  std::uint16_t port = 0;
  std::string to_string() const;
  bool operator==(const ListenAddress&) const = default;
};

// Returns the address, or an error message in `error`.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error);

}  // namespace linktrack::net
