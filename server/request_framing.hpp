// Message framing and header rules that Beast's parser leaves to the server (RFC 9112): what
// would let a request be read two ways by two servers on its path is refused, never guessed.
#pragma once

#include "request_adapter.hpp"

namespace linktrack::server {

struct FramingProblem {
  unsigned status = 0;  // 0: none
  const char* text = "";
};

// Checks a parsed request. Beast itself refuses conflicting Content-Length values and
// Content-Length beside chunked (bad_content_length / bad_transfer_encoding), but reads a
// Transfer-Encoding it does not know as "no body", and keeps every Host line.
inline FramingProblem framing_problem(const RequestHeaders& h, unsigned version) {
  if (h.host_lines > 1)  // RFC 9112 3.2: which one is meant is unknowable
    return {400, "Bad request: more than one Host header.\n"};
  if (!h.transfer_encoding) return {};
  if (version < 11)  // RFC 9112 6.1: faulty framing in HTTP/1.0
    return {400, "Bad request: Transfer-Encoding in HTTP/1.0.\n"};
  // Only a single "chunked" is something this server decodes.
  if (h.unknown_transfer_coding) return {501, "Transfer-Encoding not implemented.\n"};
  if (h.transfer_codings != 1) return {400, "Bad request: Transfer-Encoding.\n"};
  return {};
}

}  // namespace linktrack::server
