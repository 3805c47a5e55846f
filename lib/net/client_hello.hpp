// The server name a TLS ClientHello asks for, read from the bytes a client sent before any
// handshake. Why ours: OpenSSL only parses a ClientHello inside a handshake, and a handshake
// cannot wait there for a certificate to be issued (Asio treats OpenSSL's "retry the client
// hello callback" as an error). So an on-demand name is read from the first bytes peeked off
// the socket, the certificate is obtained, and only then does the handshake start.
#pragma once

#include <string>
#include <string_view>

namespace linktrack::net {

struct ClientHelloName {
  enum class State { need_more, done, not_tls };
  State state = State::need_more;
  std::string name;  // lower case; empty when the hello names none (or it cannot be read)
};

// `bytes`: the start of what the client sent. need_more until the first record is whole.
ClientHelloName client_hello_name(std::string_view bytes);

}  // namespace linktrack::net
