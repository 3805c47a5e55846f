// Accepts connections on one address for one I/O thread (SO_REUSEPORT spreads them), and
// starts a session for each.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "net/listen_address.hpp"
#include "runtime.hpp"
#include "session.hpp"

namespace linktrack::server {

enum class ListenerKind { https, http, admin };

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Throws boost::system::system_error when the address cannot be bound.
  Listener(asio::io_context& io, const net::ListenAddress& address, ListenerKind kind, Runtime& rt,
           AdminHandler admin);
  void run() { do_accept(); }
  void stop();
  asio::io_context& executor_context() { return io_; }

 private:
  void do_accept();
  void on_accept(beast::error_code ec, asio::ip::tcp::socket socket);

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::ip::tcp::endpoint peer_;  // of the connection being accepted
  ListenerKind kind_;
  Runtime& rt_;
  AdminHandler admin_;
};

}  // namespace linktrack::server
