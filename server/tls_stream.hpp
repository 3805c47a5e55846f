// A TLS connection on a TCP socket, driven by the socket's readiness: OpenSSL reads and writes
// the descriptor itself. It replaces asio::ssl::stream, whose engine gives every connection a
// BIO pair and two more buffers (four of 17 KiB, kept for the connection's whole life: 76 KB
// an idle keep-alive connection) and copies each record between them. Here OpenSSL's own
// buffers are the only ones, and they are released while the connection waits
// (SSL_MODE_RELEASE_BUFFERS).
//
// Each operation is an attempt that never blocks (the `_now` functions: the session's hot path
// calls them directly and waits for readiness itself), or the same attempt repeated on
// readiness until it completes (the `async_` functions: a conforming AsyncReadStream and
// AsyncWriteStream for asio::async_write and the slow paths). The async functions keep a
// pointer to the stream: its owner must outlive them, as a session does (its handlers hold it).
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstddef>
#include <utility>

namespace linktrack::server {

class TlsStream {
 public:
  using error_code = boost::system::error_code;
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using wait_type = boost::asio::socket_base::wait_type;

  // A server-side connection with `context`'s settings (its SNI callback may switch contexts).
  TlsStream(socket_type socket, boost::asio::ssl::context& context);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  socket_type& socket() { return socket_; }
  SSL* native_handle() { return ssl_; }

  // One attempt each. would_block: nothing could move yet, and wants() says whether the
  // connection waits to read or to write (a read may have to write: a TLS 1.3 KeyUpdate).
  // A clean close_notify reads as eof; a peer that closed without one as stream_truncated.
  std::size_t read_now(boost::asio::mutable_buffer buffer, error_code& ec);
  // Returns after one record at least is written, or would_block: retry with the same bytes.
  std::size_t write_now(boost::asio::const_buffer buffer, error_code& ec);
  void handshake_now(error_code& ec);
  // Sends close_notify (does not wait for the peer's unless the caller reads it).
  void shutdown_now(error_code& ec);
  // Whether OpenSSL holds received bytes (decrypted or not) that a read would see before the
  // socket has anything new: read them before waiting for readiness.
  bool buffered() const { return SSL_has_pending(ssl_) == 1; }
  wait_type wants() const { return wants_; }

  template <class Handler>
  void async_handshake(Handler&& handler) {
    repeat([this](error_code& ec) { return handshake_now(ec), std::size_t{0}; },
           [h = std::forward<Handler>(handler)](error_code ec, std::size_t) mutable { h(ec); },
           true);
  }
  template <class Handler>
  void async_shutdown(Handler&& handler) {
    repeat([this](error_code& ec) { return shutdown_now(ec), std::size_t{0}; },
           [h = std::forward<Handler>(handler)](error_code ec, std::size_t) mutable { h(ec); },
           true);
  }
  template <class MutableBufferSequence, class Handler>
  void async_read_some(const MutableBufferSequence& buffers, Handler&& handler) {
    const auto buffer = first_of<boost::asio::mutable_buffer>(buffers);
    repeat([this, buffer](error_code& ec) { return read_now(buffer, ec); },
           std::forward<Handler>(handler), true);
  }
  template <class ConstBufferSequence, class Handler>
  void async_write_some(const ConstBufferSequence& buffers, Handler&& handler) {
    const auto buffer = first_of<boost::asio::const_buffer>(buffers);
    repeat([this, buffer](error_code& ec) { return write_now(buffer, ec); },
           std::forward<Handler>(handler), true);
  }

 private:
  // Tries `attempt`; while it would block, waits for what the connection wants and tries
  // again. A completion on the first try is posted: an initiating function never calls its
  // handler itself.
  template <class Attempt, class Handler>
  void repeat(Attempt attempt, Handler&& handler, bool first) {
    error_code ec;
    const std::size_t n = attempt(ec);
    if (ec == boost::asio::error::would_block) {
      socket_.async_wait(wants_, [this, attempt = std::move(attempt),
                                  h = std::forward<Handler>(handler)](error_code wait_ec) mutable {
        if (wait_ec) return h(wait_ec, std::size_t{0});
        repeat(std::move(attempt), std::move(h), false);
      });
      return;
    }
    if (!first) return handler(ec, n);
    boost::asio::post(socket_.get_executor(),
                      [h = std::forward<Handler>(handler), ec, n]() mutable { h(ec, n); });
  }

  template <class Buffer, class Sequence>
  static Buffer first_of(const Sequence& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      Buffer b(*it);
      if (b.size() > 0) return b;
    }
    return Buffer();
  }

  // Maps what OpenSSL said of a call that returned `ret` (<= 0) to an error; sets wants_.
  error_code failure(int ret);

  socket_type socket_;
  SSL* ssl_;
  wait_type wants_ = boost::asio::socket_base::wait_read;
};

}  // namespace linktrack::server
