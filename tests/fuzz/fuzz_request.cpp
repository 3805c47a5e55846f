// libFuzzer target for the whole request path without a socket: raw bytes through Beast's
// parser (with the server's limits), the server's framing checks and request adapter, then the
// pure handler. No input may crash, and no answer may carry a header-splitting byte or a
// Location other than the fallback, an https redirect to one of this server's names, or a signed
// destination.
//   ./build-fuzz/fuzz_request tests/fuzz/corpus/request -max_total_time=60
#include <boost/beast/http.hpp>
#include <optional>

#include "fuzz_common.hpp"
#include "http/handler.hpp"
#include "request_adapter.hpp"
#include "request_framing.hpp"

using namespace linktrack;
namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto snap = fuzz::snapshot();
  static token::TokenCodec codec(snap->keyring);
  if (size < 1) return 0;
  // The first byte picks the connection: TLS or not, a trusted proxy or not.
  const bool tls = data[0] & 1;
  const auto peer = *net::IpAddress::parse((data[0] & 2) ? "10.1.2.3" : "192.0.2.7");
  boost::asio::const_buffer input(data + 1, size - 1);
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  server::JoinedLines storage;
  boost::beast::error_code ec;
  // Requests one after another on one connection, as pipelining sends them.
  while (input.size() > 0) {
    parser.emplace();
    parser->header_limit(8192);
    parser->body_limit(8192);
    const std::size_t used = parser->put(input, ec);
    input += used;
    if (ec == bhttp::error::need_more) {
      parser->put_eof(ec);
      if (ec) return 0;
    }
    if (ec || !parser->is_done()) return 0;
    const auto& req = parser->get();
    const auto headers = server::scan_headers(req, storage);
    if (server::framing_problem(req, headers).status == 0) {
      auto view = server::request_view(req, headers, peer, tls, 1790000000000);
      auto r = http::handle(view, *snap, codec);
      fuzz::require_header_safe(r.location);
      for (const auto& c : r.set_cookies) fuzz::require_header_safe(c);
      for (const auto& [name, value] : r.headers) fuzz::require_header_safe(value);
      if (!r.location.empty() && r.location != "https://www.example.com/" &&
          r.route != http::Route::https_redirect && r.route != http::Route::click)
        std::abort();
      // An https redirect goes to one of this server's names, whatever a proxy's headers say.
      if (r.route == http::Route::https_redirect &&
          !r.location.starts_with("https://links.example.com:8443/") &&
          !r.location.starts_with("https://click.example.com:8443/") &&
          !r.location.starts_with("https://links.example.com/") &&
          !r.location.starts_with("https://click.example.com/"))
        std::abort();
      if (r.route == http::Route::click && r.status == 302 && !r.event &&
          r.location != "https://www.example.com/" && view.method != "HEAD")
        std::abort();  // a redirect to anything but the fallback is a logged click
    }
    if (!req.keep_alive()) return 0;
  }
  return 0;
}
