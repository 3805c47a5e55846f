#include <catch2/catch.hpp>

#include "http/wire.hpp"

using namespace linktrack;

TEST_CASE("wire: a redirect as bytes, with the Connection header each version needs") {
  http::Response r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.location = "https://shop.example.com/?a=1";
  r.no_store = true;
  r.set_cookies = {"lt_c=spring; Path=/"};
  r.headers = {{"Strict-Transport-Security", "max-age=60"}};
  r.body = "Redirecting\n";
  std::string out;
  http::write_response(r, 11, true, "Mon, 23 Nov 2026 00:00:00 GMT", out);
  CHECK(out ==
        "HTTP/1.1 302 Found\r\nDate: Mon, 23 Nov 2026 00:00:00 GMT\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nLocation: https://shop.example.com/?a=1\r\n"
        "Cache-Control: no-store\r\nSet-Cookie: lt_c=spring; Path=/\r\n"
        "Strict-Transport-Security: max-age=60\r\nContent-Length: 12\r\n\r\nRedirecting\n");
  http::write_response(r, 11, false, "D", out);
  CHECK(out.find("\r\nConnection: close\r\n") != std::string::npos);
  http::write_response(r, 10, true, "D", out);
  CHECK(out.rfind("HTTP/1.0 302 Found\r\n", 0) == 0);
  CHECK(out.find("\r\nConnection: keep-alive\r\n") != std::string::npos);
  http::write_response(r, 10, false, "D", out);
  CHECK(out.find("Connection:") == std::string::npos);
}

TEST_CASE("wire: HEAD gets GET's headers and length, and no body") {
  http::Response r;
  r.status = 200;
  r.body = "0123456789";
  r.head_only = true;
  std::string out;
  http::write_response(r, 11, true, "D", out);
  CHECK(out == "HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 10\r\n\r\n");
  CHECK(http::http_date().size() == 29);  // "Mon, 23 Nov 2026 00:00:00 GMT"
}
