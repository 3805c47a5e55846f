// An ACME client (RFC 8555) for one CA directory and one account: account lookup or creation,
// then orders walked to a certificate. Synchronous, for the ACME manager's own thread; the HTTP
// underneath is a Transport (libcurl in service, recorded exchanges in tests), and waits go
// through a Sleep that says false when the manager is stopping.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "acme/account_key.hpp"
#include "acme/messages.hpp"
#include "outbound/http_client.hpp"

namespace linktrack::acme {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual outbound::Response get(const std::string& url) = 0;
  virtual outbound::Response head(const std::string& url) = 0;
  // A JWS body, sent as application/jose+json.
  virtual outbound::Response post(const std::string& url, const std::string& jws) = 0;
};

// Answers challenges for the client: the types it can answer, in the order to prefer them,
// and presenting or withdrawing one.
class ChallengeResponder {
 public:
  virtual ~ChallengeResponder() = default;
  virtual std::vector<std::string> supported() const = 0;
  virtual void present(const Challenge& c, const std::string& host,
                       const std::string& key_authorization) = 0;
  virtual void withdraw(const Challenge& c, const std::string& host) = 0;
};

// The CA said no: its problem document, and when to come back if it said (Retry-After).
class AcmeError : public std::runtime_error {
 public:
  AcmeError(Problem p, std::optional<std::int64_t> retry_after_s)
      : std::runtime_error(p.describe()), problem(std::move(p)), retry_after_s(retry_after_s) {}
  Problem problem;
  std::optional<std::int64_t> retry_after_s;
};

using Sleep = std::function<bool(std::chrono::milliseconds)>;

struct IssuedCertificate {
  std::string chain_pem;  // leaf first
  std::string key_pem;
};

class Client {
 public:
  Client(Transport& transport, const AccountKey& key, std::string directory_url, Sleep sleep);

  // The account's URL: `known` when given, else the one the CA has for this key, created (with
  // `email` as its contact, terms agreed) when there is none.
  std::string account(const std::string& email, const std::string& known = {});

  // A certificate for `names`, through `responder`; at most `patience` spent waiting for
  // validation and issuance. Throws AcmeError or ProtocolError.
  IssuedCertificate issue(const std::vector<std::string>& names, ChallengeResponder& responder,
                          std::chrono::milliseconds patience = std::chrono::seconds(120));

 private:
  struct Answer {
    outbound::Response response;
    std::string location;
  };
  const Directory& directory();
  std::string nonce();
  // POST a JWS of `payload` (empty: POST-as-GET), retrying a refused nonce; throws on a
  // problem document or no answer.
  Answer post(const std::string& url, const std::string& payload);
  void authorize(const std::string& authorization_url, ChallengeResponder& responder,
                 std::chrono::steady_clock::time_point deadline);
  // Waits `retry_after` (or a second), false when past `deadline` or stopping.
  bool wait(const outbound::Response& r, std::chrono::steady_clock::time_point deadline);

  Transport& transport_;
  const AccountKey& key_;
  std::string directory_url_;
  Sleep sleep_;
  std::optional<Directory> directory_;
  std::string nonce_;
  std::string kid_;
};

}  // namespace linktrack::acme
