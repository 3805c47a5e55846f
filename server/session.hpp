// One HTTP connection, plain or TLS: read a request with limits and deadlines, ask the pure
// handler what to answer, hand the event to the click log, write the response. The shape is
// Beast's: a shared_from_this object with do_x / on_x pairs and a deadline before each step.
#pragma once

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/handler.hpp"
#include "http_date.hpp"
#include "request_adapter.hpp"
#include "request_framing.hpp"
#include "runtime.hpp"

namespace linktrack::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;

// Answers a request that is not for a tracking domain (the admin listener's).
using AdminHandler =
    std::function<http::Response(std::string_view method, std::string_view target)>;

template <class Derived>
class Session {
 public:
  Session(Runtime& rt, net::IpAddress peer, Runtime::Admission admission, bool tls,
          AdminHandler admin)
      : rt_(rt),
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
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(self().stream()); }

  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().header_bytes));
    parser_->body_limit(static_cast<std::uint64_t>(limits().body_bytes));
    // The first request must arrive within the header timeout; later ones within the idle one.
    tcp().expires_after(std::chrono::milliseconds(requests_ ? limits().idle_timeout_ms
                                                            : limits().header_timeout_ms));
    parse_buffered();
  }

  // Feeds Beast's parser what is buffered (a pipelined request may be there already) and reads
  // more while it needs more: what http::async_read does, without its three layers of composed
  // operations, about 1,400 instructions a request (tests/bench/instructions.sh).
  void parse_buffered() {
    beast::error_code ec;
    while (buffer_.size() > 0 && !parser_->is_done()) {
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more) break;
      if (ec) return on_read(ec, 0);
      if (used == 0) break;
    }
    if (parser_->is_done()) return on_read({}, 0);
    // The buffer holds a header and a body at their limits, so the parser's own limit errors
    // come first; this only guards against a parser that never finishes.
    // Grows the buffer only as needed (at least 512 bytes), as http::async_read does: an idle
    // keep-alive connection should hold little.
    const std::size_t room = beast::read_size(buffer_, 65536);
    if (room == 0) return on_read(bhttp::error::buffer_overflow, 0);
    self().stream().async_read_some(
        buffer_.prepare(room),
        beast::bind_front_handler(&Session::on_bytes, self().shared_from_this()));
  }

  void on_bytes(beast::error_code ec, std::size_t n) {
    if (ec == asio::error::eof) {
      if (!parser_->got_some()) return on_read(bhttp::error::end_of_stream, 0);
      parser_->put_eof(ec);  // a message cut short is an error; one without length ends here
      return on_read(ec, 0);
    }
    if (ec) return on_read(ec, 0);
    buffer_.commit(n);
    parse_buffered();
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream) return self().do_close();
    if (ec == bhttp::error::header_limit) return send_error(431, "Request header too large.\n");
    if (ec == bhttp::error::body_limit) return send_error(413, "Request body too large.\n");
    // Any other parse error (bad syntax, conflicting Content-Length or Transfer-Encoding) is
    // answered, then the connection closes: what follows cannot be framed with confidence.
    if (ec && ec != bhttp::error::partial_message && ec.category() == kParseErrors)
      return send_error(400, "Bad request.\n");
    if (ec) return;  // timeout, reset or a request cut short: the connection just goes
    ++requests_;
    const auto& req = parser_->get();
    const auto headers = scan_headers(req, forwarded_for_);
    if (auto problem = framing_problem(req, headers); problem.status)
      return send_error(problem.status, problem.text);
    const config::Config& settings = *rt_.thread_view().state->snapshot->config;
    http::Response decision;
    try {
      decision = decide(req, headers);
    } catch (const std::exception& e) {
      // A bug in one request's handling answers that request, never ends the process.
      rt_.metrics().request_exceptions.fetch_add(1, std::memory_order_relaxed);
      log_exception(e.what());
      return send_error(500, "Internal server error.\n");
    }
    rt_.metrics().count(decision);
    if (!admin_ && settings.log.access_log)
      spdlog::info(
          "access {} \"{} {}{}\" {} {}", peer_text_, req.method_string(), headers.host,
          req.target(), decision.status,
          decision.rejection == http::Rejection::none ? "-" : http::to_string(decision.rejection));
    keep_alive_ = req.keep_alive();
    build(decision, req.version());
    if (decision.event) {
      if (settings.store.durability == config::Durability::sync)
        return write_when_durable(std::move(*decision.event), settings.store.sync_timeout_ms);
      rt_.sink().submit(std::move(*decision.event));
    }
    do_write();
  }

  http::Response decide(const Request& req, const RequestHeaders& headers) {
    if (admin_) return admin_(req.method_string(), req.target());
    auto& view = rt_.thread_view();
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return http::handle(request_view(req, headers, peer_, tls_, now), *view.state->snapshot,
                        *view.codec);
  }

  // Group commit: answer once the event's batch is on disk (or it was dropped), or when the
  // deadline passes first, so that a slow or failing disk never holds a click forever.
  void write_when_durable(clicklog::ClickEvent event, std::int64_t timeout_ms) {
    struct Wait {
      explicit Wait(const asio::any_io_executor& ex) : timer(ex) {}
      asio::steady_timer timer;
      bool answered = false;  // touched only on this connection's executor
    };
    auto executor = tcp().get_executor();
    auto wait = std::make_shared<Wait>(executor);
    auto self_ptr = self().shared_from_this();
    wait->timer.expires_after(std::chrono::milliseconds(timeout_ms));
    wait->timer.async_wait([self_ptr, wait](beast::error_code ec) {
      if (ec || wait->answered) return;
      wait->answered = true;
      self_ptr->rt_.metrics().sync_timeouts.fetch_add(1, std::memory_order_relaxed);
      self_ptr->do_write();
    });
    rt_.sink().submit(std::move(event), [self_ptr, executor, wait](bool) {
      asio::post(executor, [self_ptr, wait] {
        if (wait->answered) return;
        wait->answered = true;
        wait->timer.cancel();
        self_ptr->do_write();
      });
    });
  }

  static void log_exception(const char* what) {
    // At most one line a second, however many requests fail the same way.
    static std::atomic<std::int64_t> last{0};
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
    auto prev = last.load(std::memory_order_relaxed);
    if (now > prev && last.compare_exchange_strong(prev, now))
      spdlog::error("request failed with an exception, answered 500: {}", what);
  }

  // The response is written as one buffer rather than through Beast's serializer, whose
  // buffer-sequence iteration stood out in profiles of the click path. Every value here is a
  // constant or was checked by the handler (destinations, cookie values): none holds CR or LF.
  void build(const http::Response& d, unsigned version) {
    const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(d.status));
    wire_.clear();
    wire_.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ")
        .append(std::to_string(d.status))
        .append(" ")
        .append(reason.data(), reason.size())
        .append("\r\nDate: ")
        .append(http_date());
    auto header = [this](std::string_view name, std::string_view value) {
      wire_.append("\r\n").append(name).append(": ").append(value);
    };
    if (!d.content_type.empty()) header("Content-Type", d.content_type);
    if (!d.location.empty()) header("Location", d.location);
    if (d.no_store) header("Cache-Control", "no-store");
    for (const auto& c : d.set_cookies) header("Set-Cookie", c);
    for (const auto& [name, value] : d.headers) header(name, value);
    if (!keep_alive_ && version == 11) header("Connection", "close");
    if (keep_alive_ && version == 10) header("Connection", "keep-alive");
    header("Content-Length", std::to_string(d.body.size()));  // HEAD: the length GET would have
    wire_.append("\r\n\r\n");
    if (!d.head_only) wire_.append(d.body);
  }

  void send_error(unsigned status, const char* text) {
    http::Response d;
    d.status = status;
    d.content_type = "text/plain; charset=utf-8";
    d.body = text;
    rt_.metrics().count(d);
    keep_alive_ = false;
    linger_ = true;
    build(d, 11);
    do_write();
  }

  // After an error answer the client may still be sending: closing with unread bytes would
  // reset the connection and could destroy the answer before the client reads it. So reading
  // goes on, discarded, until the client closes, a bound is read, or two seconds pass.
  void drain() {
    if (!drain_buffer_) drain_buffer_ = std::make_unique<std::array<char, 4096>>();
    tcp().expires_after(std::chrono::seconds(2));
    tcp().async_read_some(asio::buffer(*drain_buffer_),
                          [self = self().shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->drained_ += n;
                            if (!ec && self->drained_ < 256 * 1024) self->drain();
                          });
  }

  void do_write() {
    tcp().expires_after(std::chrono::milliseconds(limits().idle_timeout_ms));
    asio::async_write(self().stream(), asio::buffer(wire_),
                      beast::bind_front_handler(&Session::on_write, self().shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!keep_alive_) return self().do_close();
    do_read();
  }

  Runtime& rt_;
  net::IpAddress peer_;
  std::string peer_text_;
  Runtime::Admission admission_;
  bool tls_;
  AdminHandler admin_;
  // Room for a header and a body at their limits, so that the parser reports which was too big.
  beast::flat_buffer buffer_{static_cast<std::size_t>(limits().header_bytes + limits().body_bytes)};
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string wire_;
  std::string forwarded_for_;  // X-Forwarded-For joined from several lines
  bool keep_alive_ = false;
  bool linger_ = false;  // drain before closing: an error answer left the request unread
  std::unique_ptr<std::array<char, 4096>> drain_buffer_;
  std::size_t drained_ = 0;
  std::uint64_t requests_ = 0;
  inline static const boost::system::error_category& kParseErrors =
      bhttp::make_error_code(bhttp::error::bad_method).category();
};

class PlainSession : public Session<PlainSession>,
                     public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(asio::ip::tcp::socket socket, Runtime& rt, net::IpAddress peer,
               Runtime::Admission admission, AdminHandler admin)
      : Session(rt, peer, admission, false, std::move(admin)), stream_(std::move(socket)) {}
  void run() { do_read(); }
  beast::tcp_stream& stream() { return stream_; }
  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    if (linger_) drain();
  }

 private:
  beast::tcp_stream stream_;
};

class TlsSession : public Session<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(asio::ip::tcp::socket socket, Runtime& rt, net::IpAddress peer,
             Runtime::Admission admission, std::shared_ptr<TlsRegistry> registry)
      : Session(rt, peer, admission, true, {}),
        registry_(std::move(registry)),
        stream_(std::move(socket), registry_->front()) {}
  void run() {
    tcp().expires_after(std::chrono::milliseconds(limits().handshake_timeout_ms));
    stream_.async_handshake(
        asio::ssl::stream_base::server,
        beast::bind_front_handler(&TlsSession::on_handshake, shared_from_this()));
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  // Sends close_notify and closes without waiting for the client's: TLS lets the side that
  // closes first skip that wait (RFC 8446, 6.1), and every response is complete by now. It
  // saves a read and a wakeup per connection, and the connection's memory goes sooner.
  void do_close() {
    tcp().expires_after(std::chrono::seconds(2));
    SSL_set_shutdown(stream_.native_handle(), SSL_RECEIVED_SHUTDOWN);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code ec) {
      if (!ec && self->linger_) self->drain();  // the client's records, read and dropped raw
    });
  }

 private:
  void on_handshake(beast::error_code ec) {
    if (ec) {
      rt_.metrics().tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    rt_.metrics().tls_handshakes.fetch_add(1, std::memory_order_relaxed);
    do_read();
  }
  std::shared_ptr<TlsRegistry> registry_;  // keeps this connection's certificates alive
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace linktrack::server
