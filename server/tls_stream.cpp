#include "tls_stream.hpp"

#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <new>

namespace linktrack::server {

namespace asio = boost::asio;

namespace {
// SSL_get_error reads this thread's error queue and errno: nothing stale may be in either.
void clear_errors() {
  ERR_clear_error();
  errno = 0;
}
}  // namespace

TlsStream::TlsStream(socket_type socket, asio::ssl::context& context)
    : socket_(std::move(socket)), ssl_(SSL_new(context.native_handle())) {
  if (!ssl_) throw std::bad_alloc();
  // OpenSSL reads and writes the descriptor, so it must not block; Asio's own waits and reads
  // on the socket (readiness, draining) see the same flag.
  error_code ec;
  socket_.non_blocking(true, ec);
  // The socket BIO does not close the descriptor: the socket owns it.
  if (ec || SSL_set_fd(ssl_, socket_.native_handle()) != 1) {
    SSL_free(ssl_);
    throw boost::system::system_error(ec ? ec : asio::error::no_memory, "TLS connection");
  }
  // Partial writes: a write returns once a record is out, as a socket's does; moving buffer:
  // a retried write may come from another address with the same bytes. Read-ahead: one read
  // takes what the socket has, instead of a record's header and then its body.
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                         SSL_MODE_RELEASE_BUFFERS);
  SSL_set_read_ahead(ssl_, 1);
  SSL_set_accept_state(ssl_);
}

TlsStream::~TlsStream() {
  SSL_free(ssl_);
}

std::size_t TlsStream::read_now(asio::mutable_buffer buffer, error_code& ec) {
  ec = {};
  if (buffer.size() == 0) return 0;
  clear_errors();
  std::size_t n = 0;
  const int ret = SSL_read_ex(ssl_, buffer.data(), buffer.size(), &n);
  if (ret != 1) ec = failure(ret);
  return n;
}

std::size_t TlsStream::write_now(asio::const_buffer buffer, error_code& ec) {
  ec = {};
  if (buffer.size() == 0) return 0;
  clear_errors();
  std::size_t n = 0;
  const int ret = SSL_write_ex(ssl_, buffer.data(), buffer.size(), &n);
  if (ret != 1) ec = failure(ret);
  return n;
}

void TlsStream::handshake_now(error_code& ec) {
  ec = {};
  clear_errors();
  const int ret = SSL_do_handshake(ssl_);
  if (ret != 1) ec = failure(ret);
}

void TlsStream::shutdown_now(error_code& ec) {
  ec = {};
  clear_errors();
  // 0: close_notify sent, the peer's not yet seen (not waited for); 1: both; < 0: see below.
  const int ret = SSL_shutdown(ssl_);
  if (ret < 0) ec = failure(ret);
}

TlsStream::error_code TlsStream::failure(int ret) {
  const int saved_errno = errno;
  error_code ec;
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      wants_ = asio::socket_base::wait_read;
      ec = asio::error::would_block;
      break;
    case SSL_ERROR_WANT_WRITE:
      wants_ = asio::socket_base::wait_write;
      ec = asio::error::would_block;
      break;
    case SSL_ERROR_ZERO_RETURN:  // close_notify
      ec = asio::error::eof;
      break;
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0 && saved_errno != 0)
        ec = error_code(saved_errno, boost::system::system_category());
      else if (ERR_peek_error() == 0)
        ec = asio::ssl::error::stream_truncated;  // the peer closed without close_notify
      else
        ec = error_code(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category());
      break;
    case SSL_ERROR_SSL: {
      const unsigned long e = ERR_get_error();
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        ec = asio::ssl::error::stream_truncated;
      else
        ec = error_code(static_cast<int>(e), asio::error::get_ssl_category());
      break;
    }
    default:
      ec = error_code(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category());
      break;
  }
  ERR_clear_error();
  return ec;
}

}  // namespace linktrack::server
