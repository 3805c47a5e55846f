#include "session.hpp"

#include <sys/socket.h>

#include "api/error.hpp"
#include "net/client_hello.hpp"
#include "util/clock.hpp"

namespace linktrack::server {
namespace {

// Cookie lines joined as one (RFC 6265 §5.4 sends one; HTTP/2 gateways may split it).
template <class Request>
std::string joined_cookies(const Request& req) {
  std::string out;
  for (auto [it, end] = req.equal_range(bhttp::field::cookie); it != end; ++it) {
    if (!out.empty()) out += "; ";
    out += it->value();
  }
  return out;
}

}  // namespace

template <class Derived>
void Session<Derived>::do_read() {
  admin_parser_.reset();  // the next request's parser is made when its first bytes come
  view_parser_.reset();
  // The first request must arrive within the header timeout; later ones within the idle one.
  expires_after(
      std::chrono::milliseconds(requests_ ? limits().idle_timeout_ms : limits().header_timeout_ms));
  parse_buffered();
}

template <class Derived>
void Session<Derived>::parse_buffered() {
  beast::error_code ec;
  const bool done = buffer_.size() > 0 && with_parser([&](auto& parser) {
                      while (buffer_.size() > 0 && !parser.is_done()) {
                        const std::size_t used = parser.put(buffer_.data(), ec);
                        buffer_.consume(used);
                        if (ec == bhttp::error::need_more) {
                          ec = {};
                          break;
                        }
                        if (ec || used == 0) break;
                      }
                      return parser.is_done();
                    });
  if (ec) return on_read(ec, 0);
  if (done) return on_read({}, 0);
  if (!admin_ && buffer_.size() == 0 && !got_some()) {
    switch (std::exchange(last_read_, LastRead::none)) {
      case LastRead::drained:
        return wait_readable(false);
      case LastRead::full:  // more may be there: read it from the loop, not a frame deeper
        return asio::post(tcp().get_executor(),
                          [self = self().shared_from_this()] { self->wait_readable(true); });
      case LastRead::none:
        return wait_readable(true);
    }
  }
  last_read_ = LastRead::none;
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

template <class Derived>
void Session<Derived>::on_bytes(beast::error_code ec, std::size_t n) {
  if (ec == asio::error::eof) {
    if (!got_some()) return on_read(bhttp::error::end_of_stream, 0);
    // A message cut short is an error; one without length ends here.
    with_parser([&](auto& parser) { parser.put_eof(ec); });
    return on_read(ec, 0);
  }
  if (ec) return on_read(ec, 0);
  buffer_.commit(n);
  parse_buffered();
}

template <class Derived>
void Session<Derived>::wait_readable(bool speculate) {
  if (speculate) return on_readable();  // on would_block it comes back here not speculating
  tcp().async_wait(self().wants(), [self = self().shared_from_this()](beast::error_code ec) {
    if (ec) return self->on_read(ec, 0);  // past the deadline: it goes
    self->on_readable();
  });
}

template <class Derived>
void Session<Derived>::on_readable() {
  // One per I/O thread: a request is parsed out of it before anything else runs on the
  // thread, and what the parser leaves (a request cut short, the next one pipelined) is
  // copied into the connection's own buffer.
  static thread_local std::array<char, 16384> scratch;
  beast::error_code ec;
  const std::size_t n = self().read_now(asio::buffer(scratch), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return wait_readable(false);
  if (ec) return on_bytes(ec, 0);  // end of stream, reset: as a read through the stream
  last_read_ = n < scratch.size() && !self().buffered() ? LastRead::drained : LastRead::full;
  std::string_view data(scratch.data(), n);
  auto& parser = view_parser();
  while (!data.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(asio::buffer(data.data(), data.size()), ec);
    data.remove_prefix(used);
    if (ec == bhttp::error::need_more) break;
    if (ec) return on_read(ec, 0);
    if (used == 0) break;
  }
  if (!data.empty()) {
    if (data.size() > buffer_.max_size() - buffer_.size())
      return on_read(bhttp::error::buffer_overflow, 0);
    buffer_.commit(
        asio::buffer_copy(buffer_.prepare(data.size()), asio::buffer(data.data(), data.size())));
  }
  if (parser.is_done()) return on_read({}, 0);
  parse_buffered();  // a request in pieces: the rest comes through the stream, by the deadline
}

template <class Derived>
void Session<Derived>::expires_at(Clock::time_point t) {
  deadline_ = t;
  if (!deadline_armed_ || deadline_timer_.expiry() > t) arm_deadline_timer();
}

template <class Derived>
void Session<Derived>::arm_deadline_timer() {
  deadline_armed_ = true;
  deadline_timer_.expires_at(deadline_);
  deadline_timer_.async_wait([weak = self().weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;  // re-armed for a sooner deadline, or the connection is gone
    self->deadline_armed_ = false;
    if (self->deadline_ == Clock::time_point::max()) return;
    if (Clock::now() < self->deadline_) return self->arm_deadline_timer();
    self->deadline_ = Clock::time_point::max();
    beast::error_code ignored;
    self->tcp().cancel(ignored);  // what was waiting ends with operation_aborted
  });
}

template <class Derived>
void Session<Derived>::on_read(beast::error_code ec, std::size_t) {
  if (ec == bhttp::error::end_of_stream) return self().do_close();
  started_ = std::chrono::steady_clock::now();
  route_ = http::Route::other;
  if (ec == bhttp::error::header_limit) return send_error(431, "Request header too large.\n");
  if (ec == bhttp::error::body_limit) return send_error(413, "Request body too large.\n");
  // Any other parse error (bad syntax, conflicting Content-Length or Transfer-Encoding) is
  // answered, then the connection closes: what follows cannot be framed with confidence.
  if (ec && ec != bhttp::error::partial_message && ec.category() == kParseErrors)
    return send_error(400, "Bad request.\n");
  if (ec) return;  // timeout, reset or a request cut short: the connection just goes
  ++requests_;
  if (admin_) {
    const auto& req = admin_parser_->get();
    if (auto problem = framing_problem(scan_headers(req, joined_lines_), req.version());
        problem.status)
      return send_error(problem.status, problem.text);
    return answer_admin(req);
  }
  const RequestLine& line = view_parser_->line();
  const RequestHeaders& headers = view_parser_->headers();
  if (auto problem = framing_problem(headers, line.version); problem.status)
    return send_error(problem.status, problem.text);
  if (!tls_ && line.target.starts_with(kAcmeChallengePath)) return answer_acme_challenge(line);
  // One view for the whole request: a reload between two looks would mix two configs.
  auto& view = rt_.thread_view();
  const State& state = *view.state;
  const config::Config& settings = *state.snapshot->config;
  http::Response decision;
  try {
    decision = http::handle(request_view(line, headers, peer_, tls_, util::unix_now_ms()),
                            *state.snapshot, *view.codec);
  } catch (const std::exception& e) {
    // A bug in one request's handling answers that request, never ends the process.
    rt_.metrics().request_exceptions.fetch_add(1, std::memory_order_relaxed);
    log_exception(e.what());
    return send_error(500, "Internal server error.\n");
  }
  rt_.metrics().count(decision);
  if (decision.domain >= 0)
    rt_.metrics().count_domain(state.domain_slots[static_cast<std::size_t>(decision.domain)],
                               decision.route);
  route_ = decision.route;
  if (!admin_ && settings.log.access_log)
    spdlog::info(
        "access {} \"{} {}{}\" {} {}", peer_text_, line.method, headers.host, line.target,
        decision.status,
        decision.rejection == http::Rejection::none ? "-" : http::to_string(decision.rejection));
  keep_alive_ = line.keep_alive;
  build(decision, line.version);
  if (decision.event) {
    if (rt_.sink().answers_after_commit())
      return write_when_durable(std::move(*decision.event), settings.store.sync_timeout_ms);
    rt_.sink().submit(std::move(*decision.event));
  }
  do_write();
}

template <class Derived>
void Session<Derived>::answer_admin(const Request& req) {
  keep_alive_ = req.keep_alive();
  const unsigned version = req.version();
  AdminRequest request{std::string(req.method_string()),
                       std::string(req.target()),
                       std::string(req[bhttp::field::authorization]),
                       std::string(),
                       peer_text_,
                       std::string(req[bhttp::field::host]),
                       std::string(req[bhttp::field::origin]),
                       joined_cookies(req),
                       std::string(req[bhttp::field::content_type]),
                       tls_};
  request.body = std::move(admin_parser_->get().body());
  // The answer may take a while (a stats query): no read or write is pending meanwhile, and
  // the deadline starts again with the write.
  expires_never();
  auto executor = tcp().get_executor();
  admin_(std::move(request),
         [self = self().shared_from_this(), executor, version](http::Response response) mutable {
           asio::post(executor, [self, version, response = std::move(response)]() mutable {
             self->rt_.metrics().count(response);
             // A large body (an API page) is sent after the headers, not copied behind them.
             constexpr std::size_t kLargeBody = 1 << 16;
             if (response.body.size() > kLargeBody && !response.head_only) {
               http::write_response(response, version, self->keep_alive_, http::http_date(),
                                    self->wire_, false);
               self->body_ = std::move(response.body);
             } else {
               self->build(response, version);
             }
             self->do_write();
           });
         });
}

template <class Derived>
void Session<Derived>::answer_acme_challenge(const RequestLine& line) {
  // HTTP-01 (RFC 8555 8.3): the key authorization for the token, on plain http and never
  // redirected, whatever the Host (an on-demand name is in no config).
  std::string_view token = line.target.substr(kAcmeChallengePath.size());
  token = token.substr(0, token.find('?'));
  http::Response r;
  r.route = route_ = http::Route::acme_challenge;
  r.content_type = "text/plain; charset=utf-8";
  r.no_store = true;
  if (auto answer = rt_.acme_certificates().http_answer(token)) {
    r.body = std::move(*answer);
  } else {
    r.status = 404;
    r.body = "No such challenge.\n";
  }
  r.head_only = line.method == "HEAD";
  rt_.metrics().count(r);
  keep_alive_ = line.keep_alive;
  build(r, line.version);
  do_write();
}

template <class Derived>
void Session<Derived>::write_when_durable(clicklog::ClickEvent event, std::int64_t timeout_ms) {
  struct Wait {
    explicit Wait(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    bool answered = false;  // touched only on this connection's executor
  };
  last_read_ = LastRead::none;  // the event loop runs before the next read
  expires_never();              // sync_timeout_ms bounds the wait
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

template <class Derived>
void Session<Derived>::log_exception(const char* what) {
  // At most one line a second, however many requests fail the same way.
  static std::atomic<std::int64_t> last{0};
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  auto prev = last.load(std::memory_order_relaxed);
  if (now > prev && last.compare_exchange_strong(prev, now))
    spdlog::error("request failed with an exception, answered 500: {}", what);
}

template <class Derived>
void Session<Derived>::build(const http::Response& d, unsigned version) {
  http::write_response(d, version, keep_alive_, http::http_date(), wire_);
}

template <class Derived>
void Session<Derived>::send_error(unsigned status, const char* text) {
  http::Response d;
  if (admin_) {  // the API answers every error in JSON
    std::string_view message(text);
    while (!message.empty() && message.back() == '\n') message.remove_suffix(1);
    d = api::error_response(status,
                            status == 413   ? "body_too_large"
                            : status == 431 ? "header_too_large"
                            : status == 500 ? "internal"
                                            : "bad_request",
                            message);
  } else {
    d.status = status;
    d.content_type = "text/plain; charset=utf-8";
    d.body = text;
  }
  rt_.metrics().count(d);
  keep_alive_ = false;
  linger_ = true;
  build(d, 11);
  do_write();
}

template <class Derived>
void Session<Derived>::drain() {
  if (!drain_buffer_) drain_buffer_ = std::make_unique<std::array<char, 4096>>();
  expires_after(std::chrono::seconds(2));
  tcp().async_read_some(asio::buffer(*drain_buffer_),
                        [self = self().shared_from_this()](beast::error_code ec, std::size_t n) {
                          self->drained_ += n;
                          if (!ec && self->drained_ < 256 * 1024) self->drain();
                        });
}

template <class Derived>
void Session<Derived>::do_write() {
  std::size_t sent = 0;
  // A small answer almost always fits the socket's empty send buffer: written here, it skips
  // the write operation, its timer and a trip through the scheduler (about 4,000 instructions
  // a click). Only when nothing is buffered after it: on_write reads next, and a pipelined
  // request would otherwise be answered one stack frame deeper each time.
  if (body_.empty() && buffer_.size() == 0) {
    beast::error_code ec;
    sent = self().write_now(asio::buffer(wire_), ec);
    if (!ec && sent == wire_.size()) return on_write(ec, sent);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again)
      return on_write(ec, 0);
    if (ec) sent = 0;
  }
  last_read_ = LastRead::none;  // the event loop runs before the next read
  expires_after(std::chrono::milliseconds(limits().idle_timeout_ms));
  if (sent > 0)  // the rest of a partly written answer
    return asio::async_write(
        self().stream(), asio::buffer(wire_.data() + sent, wire_.size() - sent),
        beast::bind_front_handler(&Session::on_write, self().shared_from_this()));
  if (!body_.empty())
    return asio::async_write(
        self().stream(), std::array{asio::buffer(wire_), asio::buffer(body_)},
        beast::bind_front_handler(&Session::on_write, self().shared_from_this()));
  asio::async_write(self().stream(), asio::buffer(wire_),
                    beast::bind_front_handler(&Session::on_write, self().shared_from_this()));
}

template <class Derived>
void Session<Derived>::on_write(beast::error_code ec, std::size_t) {
  if (!body_.empty()) body_ = std::string();  // its memory goes now, not with the next answer
  if (ec) return;
  if (!admin_)  // the API's time is its own metric
    rt_.metrics().observe_latency(route_, std::chrono::steady_clock::now() - started_);
  if (!keep_alive_) return self().do_close();
  do_read();
}

void TlsSession::peek() {
  tcp().async_wait(asio::socket_base::wait_read, [self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->on_peek();
  });
}

void TlsSession::on_peek() {
  // A ClientHello is one record of at most 16 KiB; MSG_PEEK leaves it for the handshake.
  std::array<char, 16384 + 5> bytes;
  const ssize_t n = ::recv(tcp().native_handle(), bytes.data(), bytes.size(), MSG_PEEK);
  if (n <= 0) return handshake();  // the handshake reports what went wrong
  const auto hello =
      net::client_hello_name(std::string_view(bytes.data(), static_cast<std::size_t>(n)));
  if (hello.state == net::ClientHelloName::State::need_more && ++peeks_ < 200) {
    // The rest of the hello is on its way; the socket stays readable with what was peeked, so
    // look again in a moment rather than at once.
    auto timer = std::make_shared<asio::steady_timer>(tcp().get_executor());
    timer->expires_after(std::chrono::milliseconds(5));
    timer->async_wait([self = shared_from_this(), timer](beast::error_code ec) {
      if (!ec) self->peek();
    });
    return;
  }
  const auto& state = rt_.thread_view().state;
  if (!hello.name.empty() && state->tls && !state->tls->serves(hello.name))
    return wait_for_certificate(hello.name);
  handshake();
}

void TlsSession::wait_for_certificate(const std::string& name) {
  struct Wait {
    explicit Wait(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    bool over = false;  // touched only on this connection's executor
  };
  auto executor = tcp().get_executor();
  auto wait = std::make_shared<Wait>(executor);
  wait->timer.expires_after(std::chrono::milliseconds(rt_.on_demand_wait_ms()));
  wait->timer.async_wait([self = shared_from_this(), wait](beast::error_code ec) {
    if (ec || std::exchange(wait->over, true)) return;
    self->handshake();  // without it: the next handshake finds it
  });
  rt_.on_demand()(name, [self = shared_from_this(), executor, wait] {
    asio::post(executor, [self, wait] {
      if (std::exchange(wait->over, true)) return;
      wait->timer.cancel();
      self->handshake();
    });
  });
}

// The two kinds of connection; everything above is compiled once, here.
template class Session<PlainSession>;
template class Session<TlsSession>;

}  // namespace linktrack::server
