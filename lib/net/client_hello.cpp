#include "net/client_hello.hpp"

#include <cstdint>

#include "util/ascii_case.hpp"

namespace linktrack::net {
namespace {

// A cursor over the hello; every read is checked, a short one leaves it failed.
struct Reader {
  std::string_view rest;
  bool failed = false;
  std::uint32_t number(int bytes) {
    if (failed || rest.size() < static_cast<std::size_t>(bytes)) {
      failed = true;
      return 0;
    }
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<unsigned char>(rest[i]);
    rest.remove_prefix(static_cast<std::size_t>(bytes));
    return v;
  }
  std::string_view take(std::size_t n) {
    if (failed || rest.size() < n) {
      failed = true;
      return {};
    }
    auto out = rest.substr(0, n);
    rest.remove_prefix(n);
    return out;
  }
};

}  // namespace

ClientHelloName client_hello_name(std::string_view bytes) {
  using State = ClientHelloName::State;
  if (bytes.size() < 5) return {State::need_more, {}};
  Reader record{bytes};
  if (record.number(1) != 22 || record.number(1) != 3) return {State::not_tls, {}};  // handshake
  record.number(1);
  const auto length = record.number(2);
  if (record.rest.size() < length) return {State::need_more, {}};
  Reader hello{record.rest.substr(0, length)};
  if (hello.number(1) != 1) return {State::not_tls, {}};  // ClientHello
  hello.number(3);                                        // its length; may span records
  hello.take(2 + 32);                                     // version, random
  hello.take(hello.number(1));                            // session id
  hello.take(hello.number(2));                            // cipher suites
  hello.take(hello.number(1));                            // compression methods
  Reader extensions{hello.take(hello.number(2))};
  while (!hello.failed && !extensions.failed && !extensions.rest.empty()) {
    const auto type = extensions.number(2);
    Reader body{extensions.take(extensions.number(2))};
    if (extensions.failed || type != 0) continue;  // 0: server_name (RFC 6066 3)
    Reader list{body.take(body.number(2))};
    while (!list.failed && !list.rest.empty()) {
      const auto kind = list.number(1);
      const auto name = list.take(list.number(2));
      if (list.failed || kind != 0) continue;  // 0: host_name
      std::string out(name);
      for (char& c : out) c = util::ascii_lower(c);
      if (!out.empty() && out.back() == '.') out.pop_back();
      return {State::done, out};
    }
  }
  return {State::done, {}};
}

}  // namespace linktrack::net
