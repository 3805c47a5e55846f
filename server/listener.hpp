// Accepts connections on one address for one I/O thread (SO_REUSEPORT spreads them), and
// starts a session for each.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "net/listen_address.hpp"
#include "runtime.hpp"
#include "session.hpp"

namespace linktrack::server {

enum class ListenerKind { https, http, admin };

// Throws when another process (say a second linktrack) is bound to `address`: with
// SO_REUSEPORT it would otherwise silently take a share of the connections. Called once per
// address before the I/O threads' acceptors bind it together.
void ensure_unclaimed(const net::ListenAddress& address);

// Raises the descriptor limit to its hard maximum and returns how many connections it leaves
// room for (the limit less a reserve for listeners, the click log and reloads).
std::int64_t connection_room();

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Throws boost::system::system_error when the address cannot be bound, or is held by another
  // process (see ensure_unclaimed).
  // `admin_tls`: the admin listener speaks HTTPS with this context (listen.admin_tls).
  Listener(asio::io_context& io, const net::ListenAddress& address, ListenerKind kind, Runtime& rt,
           AdminHandler admin, std::shared_ptr<asio::ssl::context> admin_tls = nullptr);
  void run() { do_accept(); }
  void stop();
  asio::io_context& executor_context() { return io_; }

 private:
  void do_accept();
  void on_accept(beast::error_code ec, asio::ip::tcp::socket socket);
  void pause_accepting(const beast::error_code& ec);

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::ip::tcp::endpoint peer_;  // of the connection being accepted
  asio::steady_timer pause_;      // accepting rests here while descriptors or memory run out
  ListenerKind kind_;
  Runtime& rt_;
  AdminHandler admin_;
  std::shared_ptr<asio::ssl::context> admin_tls_;
};

}  // namespace linktrack::server
