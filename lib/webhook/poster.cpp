#include "webhook/poster.hpp"

#include <ctime>

namespace linktrack::webhook {

namespace {

outbound::ClientOptions client_options(const PostTarget& t) {
  outbound::ClientOptions o;
  o.user_agent = "linktrack-webhooks";
  o.timeout_ms = t.timeout_ms;
  o.allow_private = t.allow_private;
  o.ca_file = t.ca_file;
  o.max_answer_bytes = 4096;  // kept for the error message; the rest dropped
  o.cancel = t.cancel;
  return o;
}

Failure failure_of(outbound::TransportFailure f) {
  switch (f) {
    case outbound::TransportFailure::refused_address:
      return Failure::refused_address;
    case outbound::TransportFailure::timeout:
      return Failure::timeout;
    case outbound::TransportFailure::tls:
      return Failure::tls;
    case outbound::TransportFailure::connect:
    case outbound::TransportFailure::cancelled:
      break;
  }
  return Failure::connect;
}

}  // namespace

Poster::Poster(PostTarget target) : url_(std::move(target.url)), client_(client_options(target)) {}

Answer Poster::post(const std::vector<std::string>& headers, const std::string& body) {
  auto r = client_.post(url_, headers, body);
  Answer a;
  a.status = r.status;
  a.error = std::move(r.error);
  if (r.failure) {
    a.transport = failure_of(*r.failure);
    a.cancelled = *r.failure == outbound::TransportFailure::cancelled;
    if (a.cancelled) a.error = "abandoned: the server is stopping";
  } else if (r.retry_after) {
    a.retry_after_s = outbound::parse_retry_after(*r.retry_after, std::time(nullptr));
  }
  return a;
}

}  // namespace linktrack::webhook
