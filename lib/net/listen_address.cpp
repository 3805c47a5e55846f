#include "net/listen_address.hpp"

#include <charconv>

#include "net/cidr.hpp"

namespace linktrack::net {

std::string ListenAddress::to_string() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error) {
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "expected [IPv6]:PORT";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    auto a = IpAddress::parse(host);
    if (!a || !a->v6) {
      error = std::string("'").append(host).append("' is not an IPv6 address");
      return std::nullopt;
    }
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      error = "expected HOST:PORT (e.g. 0.0.0.0:443 or [::]:443)";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host != "localhost") {
      auto a = IpAddress::parse(host);
      if (!a || a->v6) {
        error = std::string("'").append(host).append(
            "' is not an IPv4 address or localhost (write IPv6 as [ADDR]:PORT)");
        return std::nullopt;
      }
    }
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    error = std::string("port '").append(port).append("' is not a number from 0 to 65535");
    return std::nullopt;
  }
  return ListenAddress{std::string(host == "localhost" ? "127.0.0.1" : host),
                       static_cast<std::uint16_t>(value)};
}

}  // namespace linktrack::net
