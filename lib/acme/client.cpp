#include "acme/client.hpp"

#include <nlohmann/json.hpp>

#include "acme/certificate_request.hpp"
#include "acme/jws.hpp"

namespace linktrack::acme {
namespace {

constexpr int kNonceRetries = 5;

void require_answer(const outbound::Response& r, const std::string& url) {
  if (r.status == 0) throw ProtocolError("no answer from " + url + ": " + r.error);
}

std::optional<std::int64_t> retry_after(const outbound::Response& r) {
  const std::string value = r.retry_after ? *r.retry_after : r.header("retry-after");
  if (value.empty()) return std::nullopt;
  return outbound::parse_retry_after(
      value, std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
}

}  // namespace

Client::Client(Transport& transport, const AccountKey& key, std::string directory_url, Sleep sleep)
    : transport_(transport),
      key_(key),
      directory_url_(std::move(directory_url)),
      sleep_(std::move(sleep)) {}

const Directory& Client::directory() {
  if (!directory_) {
    auto r = transport_.get(directory_url_);
    require_answer(r, directory_url_);
    if (!r.ok()) throw ProtocolError("the ACME directory " + directory_url_ + " answered " + r.error);
    directory_ = parse_directory(r.body);
  }
  return *directory_;
}

std::string Client::nonce() {
  if (!nonce_.empty()) return std::exchange(nonce_, {});
  const auto& url = directory().new_nonce;
  auto r = transport_.head(url);
  require_answer(r, url);
  std::string fresh = r.header("replay-nonce");
  if (fresh.empty()) throw ProtocolError("the ACME server gave no Replay-Nonce at " + url);
  return fresh;
}

Client::Answer Client::post(const std::string& url, const std::string& payload) {
  for (int attempt = 0;; ++attempt) {
    const std::string body = sign_jws(key_, {nonce(), url, kid_}, payload);
    auto r = transport_.post(url, body);
    require_answer(r, url);
    nonce_ = r.header("replay-nonce");  // every answer carries the next one (6.5)
    if (r.ok()) {
      std::string location = r.header("location");
      return {std::move(r), std::move(location)};
    }
    Problem p = parse_problem(r.body);
    if (p.status == 0) p.status = static_cast<int>(r.status);
    // A refused nonce is retried with the fresh one the refusal carries (6.5).
    if (p.is("badNonce") && attempt < kNonceRetries) continue;
    throw AcmeError(std::move(p), retry_after(r));
  }
}

std::string Client::account(const std::string& email, const std::string& known) {
  if (!known.empty()) return kid_ = known;
  kid_.clear();
  nlohmann::json request = {{"termsOfServiceAgreed", true}};
  if (!email.empty()) request["contact"] = {"mailto:" + email};
  auto answer = post(directory().new_account, request.dump());
  if (answer.location.empty()) throw ProtocolError("the new account has no Location");
  return kid_ = answer.location;
}

bool Client::wait(const outbound::Response& r, std::chrono::steady_clock::time_point deadline) {
  // The CA's Retry-After, else half a second: validation on a nearby CA takes about that.
  const auto asked = retry_after(r);
  auto delay = std::chrono::milliseconds(asked ? std::clamp<std::int64_t>(*asked * 1000, 200, 10000) : 500);
  if (std::chrono::steady_clock::now() + delay > deadline) return false;
  return sleep_(delay);
}

void Client::authorize(const std::string& url, ChallengeResponder& responder,
                       std::chrono::steady_clock::time_point deadline) {
  auto answer = post(url, "");
  auto authz = parse_authorization(answer.response.body);
  if (authz.status == "valid") return;
  if (authz.status != "pending")
    throw ProtocolError("the authorization for " + authz.host + " is " + authz.status);
  const Challenge* chosen = choose_challenge(authz, responder.supported());
  if (!chosen)
    throw ProtocolError("the CA offers " + authz.host + " no challenge this server can answer");
  const Challenge challenge = *chosen;
  const std::string host = authz.host;
  responder.present(challenge, host, key_authorization(challenge.token, key_.thumbprint()));
  struct Withdraw {
    ChallengeResponder& r;
    const Challenge& c;
    const std::string& host;
    ~Withdraw() { r.withdraw(c, host); }
  } withdraw{responder, challenge, host};
  post(challenge.url, "{}");  // ready: validate now (7.5.1)
  for (;;) {
    answer = post(url, "");
    authz = parse_authorization(answer.response.body);
    if (authz.status == "valid") return;
    if (authz.status != "pending" && authz.status != "processing") {
      std::string why = authz.status;
      for (const auto& c : authz.challenges)
        if (c.url == challenge.url && c.error) why = c.error->describe();
      throw AcmeError({"urn:ietf:params:acme:error:unauthorized",
                       challenge.type + " for " + host + " failed: " + why, 403},
                      std::nullopt);
    }
    if (!wait(answer.response, deadline))
      throw ProtocolError("the CA did not validate " + host + " in time");
  }
}

IssuedCertificate Client::issue(const std::vector<std::string>& names,
                                ChallengeResponder& responder, std::chrono::milliseconds patience) {
  if (kid_.empty()) throw ProtocolError("no ACME account yet");
  const auto deadline = std::chrono::steady_clock::now() + patience;
  nlohmann::json identifiers = nlohmann::json::array();
  for (const auto& n : names) identifiers.push_back({{"type", "dns"}, {"value", n}});
  auto created = post(directory().new_order, nlohmann::json{{"identifiers", identifiers}}.dump());
  const std::string order_url = created.location;
  if (order_url.empty()) throw ProtocolError("the new order has no Location");
  Order order = parse_order(created.response.body);
  for (const auto& url : order.authorizations) authorize(url, responder, deadline);

  Pkey key = new_p256_key();
  auto answer = post(order_url, "");
  order = parse_order(answer.response.body);
  if (order.status == "ready")
    answer = post(order.finalize, nlohmann::json{{"csr", certificate_request(key.get(), names)}}.dump());
  for (;;) {
    order = parse_order(answer.response.body);
    if (order.status == "valid" && !order.certificate.empty()) break;
    if (order.status == "invalid")
      throw AcmeError(order.error.value_or(Problem{"", "the order became invalid", 0}), std::nullopt);
    if (!wait(answer.response, deadline))
      throw ProtocolError("the CA did not issue in time (order " + order.status + ")");
    answer = post(order_url, "");
  }
  auto chain = post(order.certificate, "");
  if (chain.response.body.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    throw ProtocolError("the certificate download is not PEM");
  return {std::move(chain.response.body), private_key_pem(key.get())};
}

}  // namespace linktrack::acme
