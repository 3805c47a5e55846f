// The tracking listeners' request parser: Beast's HTTP/1.1 parser (its grammar, limits and
// framing), keeping the request line and the headers the server reads as views into the bytes
// it was given, where request_parser<string_body> copies every header into a node of a sorted
// set (a third of a browser's click, tests/bench/instructions.sh) to read six of them. A body
// is read and dropped: no tracking route takes one.
//
// The views point into the bytes given to the put() that completed the request, which the
// session leaves untouched until the request is answered. A request that takes more than one
// put() (it came in pieces, or its body comes later) has its views copied here at the end of
// each incomplete put: Beast consumes the request line and whole header lines as it goes, and
// the caller may then reuse those bytes. A value Beast unfolded (obs-fold, RFC 9112 5.2) lives
// on Beast's stack, not in the input, and is copied here too.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <forward_list>
#include <string>
#include <string_view>

#include "request_adapter.hpp"

namespace linktrack::server {

class RequestViewParser : public boost::beast::http::basic_parser<true> {
 public:
  explicit RequestViewParser(JoinedLines& storage) : storage_(storage) {}

  // Hides basic_parser::put: remembers which bytes the views may point into.
  std::size_t put(boost::asio::const_buffer input, boost::beast::error_code& ec) {
    input_ = {static_cast<const char*>(input.data()), input.size()};
    const std::size_t used = basic_parser::put(input, ec);
    if (!is_done()) keep_views();
    return used;
  }

  // Once is_done(): the request line and headers.
  const RequestLine& line() const { return line_; }
  const RequestHeaders& headers() const { return headers_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  bool in_input(std::string_view v) const {
    return v.data() >= input_.data() && v.data() + v.size() <= input_.data() + input_.size();
  }
  void keep(std::string_view& v) {  // an unset view stays unset (nullptr: see scan_field)
    if (v.data() != nullptr && in_input(v)) v = owned_.emplace_front(v);
  }
  void keep_views() {
    keep(line_.method);
    keep(line_.target);
    headers_.each_view([this](std::string_view& v) { keep(v); });
  }

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                       int version, error_code&) override {
    line_.method = method;
    line_.target = target;
    line_.version = static_cast<unsigned>(version);
  }
  void on_response_impl(int, string_view, int, error_code& ec) override {
    ec = boost::beast::http::error::bad_method;  // never called for a request parser
  }
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code&) override {
    std::string_view v = value;
    if (!v.empty() && !in_input(v)) v = owned_.emplace_front(v);  // unfolded on Beast's stack
    scan_field(headers_, storage_, name, name_string, v);
  }
  void on_header_impl(error_code&) override { line_.keep_alive = keep_alive(); }
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  JoinedLines& storage_;
  std::string_view input_;
  RequestLine line_;
  RequestHeaders headers_;
  // A list: what views point into never moves, and an empty one allocates nothing.
  std::forward_list<std::string> owned_;
};

}  // namespace linktrack::server
