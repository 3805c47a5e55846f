// Message framing and header rules that Beast's parser leaves to the server (RFC 9112): what
// would let a request be read two ways by two servers on its path is refused, never guessed.
#pragma once

#include <boost/beast/http.hpp>
#include <string_view>

#include "request_adapter.hpp"

namespace linktrack::server {

struct FramingProblem {
  unsigned status = 0;  // 0: none
  const char* text = "";
};

// Checks a request Beast has parsed. Beast itself refuses conflicting Content-Length values and
// Content-Length beside chunked (bad_content_length / bad_transfer_encoding), but reads a
// Transfer-Encoding it does not know as "no body", and keeps every Host line.
inline FramingProblem framing_problem(const Request& req, const RequestHeaders& h) {
  namespace bhttp = boost::beast::http;
  if (h.host_lines > 1)  // RFC 9112 3.2: which one is meant is unknowable
    return {400, "Bad request: more than one Host header.\n"};
  if (!h.transfer_encoding) return {};
  auto te = req.equal_range(bhttp::field::transfer_encoding);
  if (req.version() < 11)  // RFC 9112 6.1: faulty framing in HTTP/1.0
    return {400, "Bad request: Transfer-Encoding in HTTP/1.0.\n"};
  // The codings in order across every Transfer-Encoding line: only a single "chunked" is
  // something this server decodes.
  int codings = 0;
  bool chunked_last = false;
  for (auto it = te.first; it != te.second; ++it) {
    for (auto coding : bhttp::token_list(it->value())) {
      ++codings;
      chunked_last = boost::beast::iequals(coding, "chunked");
      if (!chunked_last) return {501, "Transfer-Encoding not implemented.\n"};
    }
  }
  if (codings != 1 || !chunked_last) return {400, "Bad request: Transfer-Encoding.\n"};
  return {};
}

}  // namespace linktrack::server
