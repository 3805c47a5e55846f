// The ACME server's resources (RFC 8555 7.1) as plain data, read from its JSON; and the two
// decisions made from them without I/O: which challenge to answer, and what a key
// authorization is. Unknown members are ignored, as 7.1 asks; missing required ones throw
// ProtocolError naming them.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace linktrack::acme {

class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Directory {
  std::string new_nonce, new_account, new_order;
};

// A problem document (RFC 7807, RFC 8555 6.7): "urn:ietf:params:acme:error:badNonce" etc.
struct Problem {
  std::string type;
  std::string detail;
  int status = 0;
  bool is(std::string_view acme_error) const;  // "badNonce"
  std::string describe() const;                // "badNonce: JWS has an invalid anti-replay nonce"
};

struct Challenge {
  std::string type;  // "http-01", "tls-alpn-01", "dns-01"
  std::string url;
  std::string status;  // pending, processing, valid, invalid
  std::string token;
  std::optional<Problem> error;
};

struct Authorization {
  std::string status;  // pending, valid, invalid, deactivated, expired, revoked
  std::string host;    // identifier value (type dns)
  std::vector<Challenge> challenges;
};

struct Order {
  std::string status;  // pending, ready, processing, valid, invalid
  std::vector<std::string> authorizations;
  std::string finalize;
  std::string certificate;  // once valid
  std::optional<Problem> error;
};

Directory parse_directory(std::string_view json);
Problem parse_problem(std::string_view json);
Authorization parse_authorization(std::string_view json);
Order parse_order(std::string_view json);

// The challenge to answer: the first of `supported` (our preference) that the authorization
// offers; nullptr when it offers none of them.
const Challenge* choose_challenge(const Authorization& a, const std::vector<std::string>& supported);

// RFC 8555 8.1: token || '.' || base64url(JWK thumbprint).
std::string key_authorization(std::string_view token, std::string_view thumbprint);

// Whether a token is safe to serve under /.well-known/acme-challenge/ (base64url, 8.3).
bool valid_token(std::string_view token);

}  // namespace linktrack::acme
