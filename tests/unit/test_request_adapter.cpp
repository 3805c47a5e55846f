// The server's header-only request adapter and framing checks, on requests Beast has parsed.
#include <catch2/catch.hpp>

#include <boost/beast/http.hpp>

#include "request_adapter.hpp"
#include "request_framing.hpp"

using namespace linktrack;
namespace bhttp = boost::beast::http;

namespace {

server::Request parse(const std::string& text) {
  bhttp::request_parser<bhttp::string_body> p;
  boost::beast::error_code ec;
  boost::asio::const_buffer in(text.data(), text.size());
  while (in.size() > 0 && !p.is_done() && !ec) in += p.put(in, ec);  // header, then body
  if (ec == bhttp::error::need_more) p.put_eof(ec);
  REQUIRE_FALSE(ec);
  REQUIRE(p.is_done());
  return p.release();
}

}  // namespace

TEST_CASE("request adapter: one pass finds the headers the handler needs") {
  auto req = parse(
      "GET /c/abc?x=1 HTTP/1.1\r\nhost: Links.Example.com:8443\r\nUser-Agent: UA\r\n"
      "Accept: application/json\r\nReferer: https://mail/\r\nx-forwarded-for: 203.0.113.9\r\n"
      "Cookie: a=b\r\nX-Forwarded-For: 10.0.0.1\r\nCF-Connecting-IP: 192.0.2.1\r\n"
      "Forwarded: for=192.0.2.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: a.example\r\n"
      "forwarded: for=10.0.0.1;proto=https\r\nCloudFront-Forwarded-Proto: https\r\n"
      "CloudFront-Viewer-Address: 192.0.2.9:4567\r\nCF-Visitor: {\"scheme\":\"https\"}\r\n\r\n");
  server::JoinedLines storage;
  const auto h = server::scan_headers(req, storage);
  CHECK(h.host == "Links.Example.com:8443");
  CHECK(h.host_lines == 1);
  CHECK(h.user_agent == "UA");
  CHECK(h.accept == "application/json");
  CHECK(h.referer == "https://mail/");
  // Several lines are one list, in order.
  CHECK(h.forwarded.x_forwarded_for == "203.0.113.9, 10.0.0.1");
  CHECK(h.forwarded.forwarded == "for=192.0.2.7, for=10.0.0.1;proto=https");
  CHECK(h.forwarded.x_forwarded_proto == "https");
  CHECK(h.forwarded.x_forwarded_host == "a.example");
  CHECK(h.forwarded.cloudfront_forwarded_proto == "https");
  CHECK(h.forwarded.cloudfront_viewer_address == "192.0.2.9:4567");
  CHECK(h.forwarded.cf_visitor == "{\"scheme\":\"https\"}");
  CHECK_FALSE(h.transfer_encoding);
  const auto peer = *net::IpAddress::parse("10.0.0.1");
  const auto v = server::request_view(req, h, peer, true, 42);
  CHECK(v.method == "GET");
  CHECK(v.target == "/c/abc?x=1");
  CHECK(v.forwarded.cf_connecting_ip == "192.0.2.1");
  CHECK(v.forwarded.cloudfront_viewer_address == "192.0.2.9:4567");
  CHECK(v.tls);
  CHECK(v.now_ms == 42);
  CHECK(server::framing_problem(req, h).status == 0);

  auto twice = parse(
      "GET / HTTP/1.1\r\nHost: a\r\nCF-Connecting-IP: 1.1.1.1\r\nCF-Connecting-IP: 2.2.2.2\r\n"
      "X-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2\r\nX-Forwarded-For: 3.3.3.3\r\n"
      "CloudFront-Forwarded-Proto: https\r\nCloudFront-Forwarded-Proto: http\r\n\r\n");
  const auto h2 = server::scan_headers(twice, storage);
  CHECK(h2.forwarded.x_forwarded_for == "1.1.1.1, 2.2.2.2, 3.3.3.3");
  // A proxy's single word, sent twice, is nobody's: ignored.
  const auto v2 = server::request_view(twice, h2, peer, false, 0);
  CHECK(v2.forwarded.cf_connecting_ip.empty());
  CHECK(v2.forwarded.cloudfront_forwarded_proto.empty());
}

TEST_CASE("framing: what two servers could read two ways is refused") {
  server::JoinedLines storage;
  auto status = [&](const std::string& text) {
    auto req = parse(text);
    return server::framing_problem(req, server::scan_headers(req, storage)).status;
  };
  CHECK(status("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") == 400);
  CHECK(status("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n") == 501);
  CHECK(status("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") ==
        501);
  CHECK(status("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 0);
  CHECK(status("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n") == 0);
  CHECK(status("GET / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
}
