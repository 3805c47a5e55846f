// One HTTP connection, plain or TLS: read a request with limits and deadlines, ask the pure
// handler what to answer, hand the event to the click log, write the response. The shape is
// Beast's: a shared_from_this object with do_x / on_x pairs and a deadline before each step.
#pragma once

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "admin_request.hpp"
#include "http/handler.hpp"
#include "http/wire.hpp"
#include "request_adapter.hpp"
#include "request_framing.hpp"
#include "request_view_parser.hpp"
#include "runtime.hpp"
#include "tls_stream.hpp"

namespace linktrack::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;

template <class Derived>
class Session {
 public:
  Session(const asio::any_io_executor& executor, Runtime& rt, net::IpAddress peer,
          Runtime::Admission admission, bool tls, AdminHandler admin)
      : deadline_timer_(executor),
        rt_(rt),
        peer_(peer),
        peer_text_(peer.to_string()),
        admission_(admission),
        tls_(tls),
        admin_(std::move(admin)) {}
  ~Session() {
    if (!admin_) rt_.release(peer_, admission_);  // admin connections are not counted
  }

 protected:
  Derived& self() { return static_cast<Derived&>(*this); }
  const config::Limits& limits() { return rt_.thread_view().state->snapshot->config->limits; }
  // The admin listener takes API bodies (api.body_bytes); a tracking domain's requests are small.
  std::int64_t body_limit() {
    const auto& c = *rt_.thread_view().state->snapshot->config;
    return admin_ ? c.api.body_bytes : c.limits.body_bytes;
  }
  asio::ip::tcp::socket& tcp() { return self().socket(); }

  // The connection's deadline: whatever it waits for (a handshake, a request, a write, a
  // close) is cancelled when it passes. One timer a connection, re-armed only when it fires
  // early or a deadline comes sooner: moving the deadline with each request costs a clock
  // read, not a timer operation and a completion (as a timer per read or write would).
  using Clock = std::chrono::steady_clock;
  void expires_after(std::chrono::milliseconds d) { expires_at(Clock::now() + d); }
  void expires_at(Clock::time_point t);
  void expires_never() { deadline_ = Clock::time_point::max(); }
  void arm_deadline_timer();
  asio::steady_timer deadline_timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool deadline_armed_ = false;

  void do_read();

  // Feeds Beast's parser what is buffered (a pipelined request may be there already) and reads
  // more while it needs more: what http::async_read does, without its three layers of composed
  // operations, about 1,400 instructions a request (tests/bench/instructions.sh).
  void parse_buffered();

  void on_bytes(beast::error_code ec, std::size_t n);

  // Tracking connections wait for a request without a buffer of their own: when the socket is
  // readable, one read (and for TLS one decryption) into the I/O thread's scratch buffer takes
  // a whole browser-sized request (a connection's own buffer starts at 512 bytes: two reads),
  // and an idle connection holds no read buffer. A request that does not arrive whole
  // continues in buffer_ as before. `speculate`: try a read before waiting (a request may be
  // there already), which only costs a failed read when the socket was drained in this same
  // turn of the loop and TLS holds nothing received.
  void wait_readable(bool speculate);
  void on_readable();

  void on_read(beast::error_code ec, std::size_t);

  // Hands an admin request to the admin handler; its answer is written when it comes.
  void answer_admin(const Request& req);

  static constexpr std::string_view kAcmeChallengePath = "/.well-known/acme-challenge/";
  void answer_acme_challenge(const RequestLine& line);

  // Group commit: answer once the event's batch is on disk (or it was dropped), or when the
  // deadline passes first, so that a slow or failing disk never holds a click forever.
  void write_when_durable(clicklog::ClickEvent event, std::int64_t timeout_ms);

  static void log_exception(const char* what);

  void build(const http::Response& d, unsigned version);

  void send_error(unsigned status, const char* text);

  // After an error answer the client may still be sending: closing with unread bytes would
  // reset the connection and could destroy the answer before the client reads it. So reading
  // goes on, discarded, until the client closes, a bound is read, or two seconds pass.
  void drain();

  void do_write();

  void on_write(beast::error_code ec, std::size_t);

  Runtime& rt_;
  net::IpAddress peer_;
  std::string peer_text_;
  Runtime::Admission admission_;
  bool tls_;
  AdminHandler admin_;
  // Room for a header and a body at their limits, so that the parser reports which was too big.
  beast::flat_buffer buffer_{static_cast<std::size_t>(limits().header_bytes + body_limit())};
  // The admin listener's requests as Beast messages (bodies, any header); the tracking
  // listeners' as views (request_view_parser.hpp). One of the two, by listener, made when a
  // request's first bytes come and gone when the next is awaited: an idle keep-alive
  // connection holds no parser (half a kilobyte).
  using AdminParser = bhttp::request_parser<bhttp::string_body>;
  std::unique_ptr<AdminParser> admin_parser_;
  std::unique_ptr<RequestViewParser> view_parser_;
  template <class Parser, class... Args>
  Parser& parser_for(std::unique_ptr<Parser>& parser, Args&... args) {
    if (!parser) {
      parser = std::make_unique<Parser>(args...);
      parser->header_limit(static_cast<std::uint32_t>(limits().header_bytes));
      parser->body_limit(static_cast<std::uint64_t>(body_limit()));
    }
    return *parser;
  }
  RequestViewParser& view_parser() { return parser_for(view_parser_, joined_lines_); }
  template <class F>
  decltype(auto) with_parser(F&& f) {
    if (admin_) return f(parser_for(admin_parser_));
    return f(view_parser());
  }
  // Whether the request under way has begun (no parser yet: it has not).
  bool got_some() const {
    return admin_ ? admin_parser_ && admin_parser_->got_some()
                  : view_parser_ && view_parser_->got_some();
  }
  std::string wire_;
  std::string body_;  // a large body (an API page), sent after wire_ rather than copied into it
  JoinedLines joined_lines_;  // lists that came on several lines, joined
  bool keep_alive_ = false;
  bool linger_ = false;  // drain before closing: an error answer left the request unread
  std::unique_ptr<std::array<char, 4096>> drain_buffer_;
  std::size_t drained_ = 0;
  std::uint64_t requests_ = 0;
  // What the last read of wait_readable's left behind, until the event loop is next entered.
  enum class LastRead { none, drained, full } last_read_ = LastRead::none;
  // For the latency histogram: when the request was read, and the route it took.
  std::chrono::steady_clock::time_point started_;
  http::Route route_ = http::Route::other;
  inline static const boost::system::error_category& kParseErrors =
      bhttp::make_error_code(bhttp::error::bad_method).category();
};

class PlainSession : public Session<PlainSession>,
                     public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(asio::ip::tcp::socket socket, Runtime& rt, net::IpAddress peer,
               Runtime::Admission admission, AdminHandler admin)
      : Session(socket.get_executor(), rt, peer, admission, false, std::move(admin)),
        stream_(std::move(socket)) {}
  void run() { do_read(); }
  asio::ip::tcp::socket& stream() { return stream_; }
  asio::ip::tcp::socket& socket() { return stream_; }
  // What Session's hot path asks of a connection: one read or write that never blocks, whether
  // bytes already received wait somewhere other than the socket, and what to wait for.
  std::size_t read_now(asio::mutable_buffer buffer, beast::error_code& ec) {
    if (!stream_.non_blocking()) stream_.non_blocking(true, ec);
    return ec ? 0 : stream_.read_some(buffer, ec);
  }
  std::size_t write_now(asio::const_buffer buffer, beast::error_code& ec) {
    if (!stream_.non_blocking()) stream_.non_blocking(true, ec);
    return ec ? 0 : stream_.write_some(buffer, ec);
  }
  static bool buffered() { return false; }
  static asio::socket_base::wait_type wants() { return asio::socket_base::wait_read; }
  void do_close() {
    beast::error_code ec;
    stream_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    if (linger_) drain();
  }

 private:
  asio::ip::tcp::socket stream_;
};

class TlsSession : public Session<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  // `context` must live as long as `keep`: a registry's front context, or the admin listener's.
  TlsSession(asio::ip::tcp::socket socket, Runtime& rt, net::IpAddress peer,
             Runtime::Admission admission, std::shared_ptr<const void> keep,
             asio::ssl::context& context, AdminHandler admin = {})
      : Session(socket.get_executor(), rt, peer, admission, true, std::move(admin)),
        keep_(std::move(keep)),
        stream_(std::move(socket), context) {}
  void run() {
    // Also bounds the wait for the ClientHello that on-demand certificates peek at.
    expires_after(std::chrono::milliseconds(limits().handshake_timeout_ms));
    if (rt_.on_demand()) return peek();
    handshake();
  }
  TlsStream& stream() { return stream_; }
  asio::ip::tcp::socket& socket() { return stream_.socket(); }
  std::size_t read_now(asio::mutable_buffer buffer, beast::error_code& ec) {
    return stream_.read_now(buffer, ec);
  }
  std::size_t write_now(asio::const_buffer buffer, beast::error_code& ec) {
    return stream_.write_now(buffer, ec);
  }
  bool buffered() const { return stream_.buffered(); }
  asio::socket_base::wait_type wants() const { return stream_.wants(); }
  // Sends close_notify and closes without waiting for the client's: TLS lets the side that
  // closes first skip that wait (RFC 8446, 6.1), and every response is complete by now. It
  // saves a read and a wakeup per connection, and the connection's memory goes sooner.
  void do_close() {
    expires_after(std::chrono::seconds(2));
    SSL_set_shutdown(stream_.native_handle(), SSL_RECEIVED_SHUTDOWN);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code ec) {
      if (!ec && self->linger_) self->drain();  // the client's records, read and dropped raw
    });
  }

 private:
  void handshake() {
    expires_after(std::chrono::milliseconds(limits().handshake_timeout_ms));
    stream_.async_handshake(
        beast::bind_front_handler(&TlsSession::on_handshake, shared_from_this()));
  }
  // On-demand certificates: the name the ClientHello asks for, read before the handshake, and
  // when nothing serves it the handshake waits (acme.on_demand.wait_ms at most) for one.
  void peek();
  void on_peek();
  void wait_for_certificate(const std::string& name);
  void on_handshake(beast::error_code ec) {
    if (ec) {
      rt_.metrics().tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    rt_.metrics().tls_handshakes.fetch_add(1, std::memory_order_relaxed);
    do_read();
  }
  std::shared_ptr<const void> keep_;  // keeps this connection's certificates alive
  TlsStream stream_;
  int peeks_ = 0;
};

}  // namespace linktrack::server
