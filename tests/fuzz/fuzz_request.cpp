// libFuzzer target for the whole request path without a socket: raw bytes through Beast's
// parser (with the server's limits), the server's framing checks and request adapter, then the
// pure handler. No input may crash, and no answer may carry a header-splitting byte or a
// Location other than the fallback, an https redirect to one of this server's names, or a signed
// destination. The tracking listeners' view parser must read each request exactly as Beast's
// message parser does, fed whole or in pieces.
//   ./build-fuzz/fuzz_request tests/fuzz/corpus/request -max_total_time=60
#include <algorithm>
#include <boost/beast/http.hpp>
#include <optional>
#include <string>

#include "fuzz_common.hpp"
#include "http/handler.hpp"
#include "request_adapter.hpp"
#include "request_framing.hpp"
#include "request_view_parser.hpp"

using namespace linktrack;
namespace bhttp = boost::beast::http;

namespace {

// The request as one string per view ('\x01' for unset) and its counts and line.
std::string fingerprint(const server::RequestLine& line, server::RequestHeaders h) {
  std::string out;
  auto add = [&](std::string_view v) {
    out.append(v.data() ? v : std::string_view("\x01")).push_back('\0');
  };
  add(line.method);
  add(line.target);
  h.each_view([&](std::string_view& v) { add(v); });
  for (int n :
       {h.host_lines, h.cf_connecting_ip_lines, h.cf_visitor_lines, h.cloudfront_proto_lines,
        h.cloudfront_address_lines, h.transfer_codings, int(h.transfer_encoding),
        int(h.unknown_transfer_coding), int(line.version), int(line.keep_alive)})
    out += std::to_string(n) + ",";
  return out;
}

// `bytes` through the view parser `piece` bytes at a time, consumed bytes overwritten as a read
// buffer's are; the fingerprint of the first request, or "" when it is incomplete or an error.
std::string view_fingerprint(std::string_view bytes, std::size_t piece, std::size_t& consumed) {
  server::JoinedLines storage;
  server::RequestViewParser parser(storage);
  parser.header_limit(8192);
  parser.body_limit(8192);
  std::string buffer;
  std::size_t fed = 0;
  consumed = 0;
  boost::beast::error_code ec;
  for (;;) {
    const std::size_t more = std::min(piece, bytes.size() - fed);
    buffer.append(bytes.substr(fed, more));
    fed += more;
    const std::size_t used = parser.put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
    consumed += used;
    if (ec && ec != bhttp::error::need_more) return "";
    if (parser.is_done()) return fingerprint(parser.line(), parser.headers());
    if (used == 0 && fed == bytes.size()) return "";
    std::fill_n(buffer.begin(), used, '#');
    buffer.erase(0, used);
  }
}

}  // namespace

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
    const auto line = server::request_line(req);
    {
      const std::string_view sent(static_cast<const char*>(input.data()) - used, used);
      const std::string expected = fingerprint(line, headers);
      // Two bytes at a time, not one: see test_request_adapter.cpp on Beast's assertion.
      for (std::size_t piece : {sent.size(), std::size_t{2}}) {
        std::size_t consumed = 0;
        if (view_fingerprint(sent, piece, consumed) != expected || consumed != used)
          std::abort();  // the two parsers read this request differently
      }
    }
    if (server::framing_problem(headers, line.version).status == 0) {
      auto view = server::request_view(line, headers, peer, tls, 1790000000000);
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
