#include "listener.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <boost/asio/ip/v6_only.hpp>

namespace linktrack::server {

namespace {
asio::ip::tcp::endpoint endpoint_of(const net::ListenAddress& address) {
  return {asio::ip::make_address(address.host), address.port};
}
}  // namespace

void ensure_unclaimed(const net::ListenAddress& address) {
  // A socket without SO_REUSEPORT cannot bind beside a listening one, whoever owns it; ours are
  // not bound yet, so a refusal means another process holds the address.
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io);
  const auto endpoint = endpoint_of(address);
  probe.open(endpoint.protocol());
  probe.set_option(asio::socket_base::reuse_address(true));
  if (endpoint.address().is_v6()) probe.set_option(asio::ip::v6_only(true));
  beast::error_code ec;
  probe.bind(endpoint, ec);
  if (ec == asio::error::address_in_use)
    throw boost::system::system_error(
        ec, address.to_string() + " is in use by another process (is linktrack already running?)");
  if (ec) throw boost::system::system_error(ec, address.to_string());
}

std::int64_t connection_room() {
  constexpr std::int64_t kReserve = 64;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::numeric_limits<std::int64_t>::max();
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return std::numeric_limits<std::int64_t>::max();
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(limit.rlim_cur) - kReserve);
}

Listener::Listener(asio::io_context& io, const net::ListenAddress& address, ListenerKind kind,
                   Runtime& rt, AdminHandler admin, std::shared_ptr<asio::ssl::context> admin_tls)
    : io_(io),
      acceptor_(io),
      pause_(io),
      kind_(kind),
      rt_(rt),
      admin_(std::move(admin)),
      admin_tls_(std::move(admin_tls)) {
  const auto endpoint = endpoint_of(address);
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
  pause_.cancel();
}

// Out of descriptors (or kernel memory), accept() fails at once for as long as connections
// wait in the backlog: retrying at once would spin a core and flood the log. Waiting 100 ms
// keeps the waiting server near idle and serves again within that of a descriptor coming free.
void Listener::pause_accepting(const beast::error_code& ec) {
  rt_.metrics().accept_errors.fetch_add(1, std::memory_order_relaxed);
  static std::atomic<std::int64_t> last_log{0};
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  auto prev = last_log.load(std::memory_order_relaxed);
  if (now >= prev + 10 && last_log.compare_exchange_strong(prev, now))
    spdlog::warn(
        "accept failed: {}; pausing new connections briefly (linktrack_accept_errors_total "
        "counts each; raise LimitNOFILE or lower limits.max_connections)",
        ec.message());
  pause_.expires_after(std::chrono::milliseconds(100));
  pause_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
    if (!wait_ec && self->acceptor_.is_open()) self->do_accept();
  });
}

void Listener::do_accept() {
  // accept() fills in the peer's address, saving a getpeername() per connection.
  acceptor_.async_accept(io_, peer_,
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, asio::ip::tcp::socket socket) {
  if (ec == asio::error::operation_aborted) return;               // stopped
  if (ec == asio::error::connection_aborted) return do_accept();  // the client gave up first
  if (ec) return pause_accepting(ec);
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
  const auto admission =
      kind_ == ListenerKind::admin ? Runtime::Admission::uncounted : rt_.admit(peer);
  if (admission == Runtime::Admission::refused) {
    rt_.metrics().connections_refused.fetch_add(1, std::memory_order_relaxed);
  } else {
    beast::error_code option_ec;
    socket.set_option(asio::ip::tcp::no_delay(true), option_ec);
    auto state = rt_.thread_view().state;
    if (kind_ == ListenerKind::admin && admin_tls_) {
      std::make_shared<TlsSession>(std::move(socket), rt_, peer, admission, admin_tls_, *admin_tls_,
                                   admin_)
          ->run();
    } else if (kind_ == ListenerKind::https && state->tls) {
      std::make_shared<TlsSession>(std::move(socket), rt_, peer, admission, state->tls,
                                   state->tls->front())
          ->run();
    } else if (kind_ == ListenerKind::https) {
      rt_.release(peer, admission);  // no domain has TLS: nothing to handshake with
    } else {
      std::make_shared<PlainSession>(std::move(socket), rt_, peer, admission,
                                     kind_ == ListenerKind::admin ? admin_ : AdminHandler{})
          ->run();
    }
  }
  do_accept();
}

}  // namespace linktrack::server
