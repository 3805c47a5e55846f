#include "listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/ip/v6_only.hpp>

namespace linktrack::server {

Listener::Listener(asio::io_context& io, const net::ListenAddress& address, ListenerKind kind,
                   Runtime& rt, AdminHandler admin)
    : io_(io), acceptor_(io), kind_(kind), rt_(rt), admin_(std::move(admin)) {
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(address.host), address.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  int one = 1;
  ::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (endpoint.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::stop() {
  beast::error_code ec;
  acceptor_.close(ec);
}

void Listener::do_accept() {
  // accept() fills in the peer's address, saving a getpeername() per connection.
  acceptor_.async_accept(io_, peer_,
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, asio::ip::tcp::socket socket) {
  if (ec == asio::error::operation_aborted) return;  // stopped
  if (ec) {
    spdlog::warn("accept failed: {}", ec.message());
    do_accept();
    return;
  }
  net::IpAddress peer;
  if (peer_.address().is_v4()) {
    auto b = peer_.address().to_v4().to_bytes();
    std::copy(b.begin(), b.end(), peer.bytes.begin());
  } else {
    auto b = peer_.address().to_v6().to_bytes();
    std::copy(b.begin(), b.end(), peer.bytes.begin());
    peer.v6 = true;
    peer = peer.unmapped();
  }
  rt_.metrics().connections_accepted.fetch_add(1, std::memory_order_relaxed);
  if (kind_ != ListenerKind::admin && !rt_.admit(peer.to_string())) {
    rt_.metrics().connections_refused.fetch_add(1, std::memory_order_relaxed);
  } else {
    beast::error_code option_ec;
    socket.set_option(asio::ip::tcp::no_delay(true), option_ec);
    auto state = rt_.thread_view().state;
    if (kind_ == ListenerKind::https && state->tls) {
      std::make_shared<TlsSession>(std::move(socket), rt_, peer, state->tls)->run();
    } else if (kind_ == ListenerKind::https) {
      rt_.release(peer.to_string());  // no domain has TLS: nothing to handshake with
    } else {
      std::make_shared<PlainSession>(std::move(socket), rt_, peer,
                                     kind_ == ListenerKind::admin ? admin_ : AdminHandler{})
          ->run();
    }
  }
  do_accept();
}

}  // namespace linktrack::server
