// The ACME client's pure parts, against RFC 8555's own examples and a CA replayed from a
// recorded exchange: ES256 JWS and JWK thumbprints, key authorizations, the resources' JSON,
// the order/authorization walk (badNonce retried, kid after the account, an invalid
// authorization reported), TLS-ALPN-01 certificates (RFC 8737), renewal times, the on-demand
// gate, storage, and the server name read from a real ClientHello.
#include <openssl/bio.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "acme/account_key.hpp"
#include "acme/certificate_request.hpp"
#include "acme/client.hpp"
#include "acme/inventory.hpp"
#include "acme/jws.hpp"
#include "acme/messages.hpp"
#include "acme/on_demand_gate.hpp"
#include "acme/renewal.hpp"
#include "acme/storage.hpp"
#include "net/client_hello.hpp"
#include "util/base64.hpp"

using namespace linktrack;
using nlohmann::json;

namespace {

// Verifies an ES256 signature (r||s, 32 bytes each) over `input` with the key of `jwk`.
bool verify_es256(const std::string& jwk_text, const std::string& input, const std::string& raw) {
  const auto jwk = json::parse(jwk_text);
  const auto x = *util::base64url_decode(jwk["x"].get<std::string>());
  const auto y = *util::base64url_decode(jwk["y"].get<std::string>());
  std::string point = "\x04" + x + y;
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string("group", const_cast<char*>("P-256"), 0),
      OSSL_PARAM_construct_octet_string("pub", point.data(), point.size()), OSSL_PARAM_END};
  EVP_PKEY_fromdata_init(pctx);
  EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(pctx);
  REQUIRE(key);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_size = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                  EVP_DigestVerify(md, der, static_cast<std::size_t>(der_size),
                                   reinterpret_cast<const unsigned char*>(input.data()),
                                   input.size()) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  return ok;
}

json protected_header(const std::string& jws) {
  return json::parse(*util::base64url_decode(json::parse(jws)["protected"].get<std::string>()));
}

std::string payload(const std::string& jws) {
  return *util::base64url_decode(json::parse(jws)["payload"].get<std::string>());
}

// A CA replayed: each request must be the next one recorded, and gets its recorded answer.
struct Recorded {
  std::string method, url;
  long status;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class ReplayTransport final : public acme::Transport {
 public:
  explicit ReplayTransport(std::deque<Recorded> script) : script_(std::move(script)) {}
  outbound::Response get(const std::string& url) override { return next("GET", url, ""); }
  outbound::Response head(const std::string& url) override { return next("HEAD", url, ""); }
  outbound::Response post(const std::string& url, const std::string& jws) override {
    return next("POST", url, jws);
  }
  std::vector<std::string> posted;  // the JWS bodies, in order
  bool done() const { return script_.empty(); }

 private:
  outbound::Response next(const std::string& method, const std::string& url,
                          const std::string& body) {
    REQUIRE_FALSE(script_.empty());
    auto r = script_.front();
    script_.pop_front();
    INFO(method << " " << url);
    CHECK(method == r.method);
    CHECK(url == r.url);
    if (method == "POST") {
      posted.push_back(body);
      CHECK(protected_header(body)["url"] == url);  // RFC 8555 6.4
    }
    outbound::Response out;
    out.status = r.status;
    out.headers = r.headers;
    out.body = r.body;
    return out;
  }
  std::deque<Recorded> script_;
};

class RecordingResponder final : public acme::ChallengeResponder {
 public:
  std::vector<std::string> types = {"http-01", "tls-alpn-01"};
  std::vector<std::string> log;
  std::vector<std::string> supported() const override { return types; }
  void present(const acme::Challenge& c, const std::string& host,
               const std::string& key_authorization) override {
    log.push_back("present " + c.type + " " + host + " " + key_authorization);
  }
  void withdraw(const acme::Challenge& c, const std::string& host) override {
    log.push_back("withdraw " + c.type + " " + host);
  }
};

const std::string kDir = "https://example.com/acme/directory";
// RFC 8555 7.1.1, 7.1.3 and 7.1.4, as the example.com CA of the RFC answers.
const std::string kDirectory = R"({
  "newNonce": "https://example.com/acme/new-nonce",
  "newAccount": "https://example.com/acme/new-account",
  "newOrder": "https://example.com/acme/new-order",
  "newAuthz": "https://example.com/acme/new-authz",
  "revokeCert": "https://example.com/acme/revoke-cert",
  "keyChange": "https://example.com/acme/key-change",
  "meta": {"termsOfService": "https://example.com/acme/terms/2017-5-30"}})";
const std::string kPendingOrder = R"({
  "status": "pending", "expires": "2016-01-05T14:09:07.99Z",
  "identifiers": [{"type": "dns", "value": "www.example.org"}],
  "authorizations": ["https://example.com/acme/authz/PAniVnsZcis"],
  "finalize": "https://example.com/acme/order/TOlocE8rfgo/finalize"})";
const std::string kPendingAuthz = R"({
  "status": "pending", "expires": "2016-01-02T14:09:30Z",
  "identifier": {"type": "dns", "value": "www.example.org"},
  "challenges": [
    {"type": "dns-01", "url": "https://example.com/acme/chall/Rg5dV14Gh1Q", "status": "pending",
     "token": "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"},
    {"type": "http-01", "url": "https://example.com/acme/chall/prV_B7yEyA4", "status": "pending",
     "token": "DGyRejmCefe7v4NfDGDKfA"}]})";

std::pair<std::string, std::string> nonce(const char* n) {
  return {"replay-nonce", n};
}

}  // namespace

TEST_CASE("acme: ES256 signatures verify, JWK thumbprints are RFC 7638's") {
  acme::AccountKey key(acme::new_p256_key());
  const auto jwk = json::parse(key.jwk());
  CHECK(key.jwk() == json({{"crv", "P-256"}, {"kty", "EC"}, {"x", jwk["x"]}, {"y", jwk["y"]}}).dump());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.jwk().data()), key.jwk().size(), digest);
  CHECK(key.thumbprint() ==
        util::base64url_encode(std::string_view(reinterpret_cast<char*>(digest), 32)));
  const std::string jws = acme::sign_jws(key, {"nonce-1", "https://ca/new-account", ""}, "{}");
  const auto j = json::parse(jws);
  const auto head = protected_header(jws);
  CHECK(head["alg"] == "ES256");
  CHECK(head["nonce"] == "nonce-1");
  CHECK(head["jwk"] == jwk);
  CHECK_FALSE(head.contains("kid"));
  CHECK(verify_es256(key.jwk(), j["protected"].get<std::string>() + "." + j["payload"].get<std::string>(),
                     *util::base64url_decode(j["signature"].get<std::string>())));
  // With the account: kid, no jwk; a POST-as-GET has an empty payload (RFC 8555 6.3).
  const auto get = acme::sign_jws(key, {"n", "https://ca/order/1", "https://ca/acct/1"}, "");
  CHECK(protected_header(get)["kid"] == "https://ca/acct/1");
  CHECK_FALSE(protected_header(get).contains("jwk"));
  CHECK(json::parse(get)["payload"] == "");
  // The key survives its PEM.
  acme::AccountKey again(acme::read_private_key_pem(key.pem()));
  CHECK(again.thumbprint() == key.thumbprint());
  CHECK_FALSE(acme::read_private_key_pem("not a key"));
}

TEST_CASE("acme: key authorizations, tokens and the challenge chosen") {
  CHECK(acme::key_authorization("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA",
                                "nP1qzpXGymHBrUEepNY9HCsQk7K8KhOypzEt62jcerQ") ==
        "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.nP1qzpXGymHBrUEepNY9HCsQk7K8KhOypzEt62jcerQ");
  CHECK(acme::valid_token("DGyRejmCefe7v4NfDGDKfA"));
  CHECK_FALSE(acme::valid_token("../../etc/passwd"));
  CHECK_FALSE(acme::valid_token(""));
  const auto authz = acme::parse_authorization(kPendingAuthz);
  CHECK(authz.host == "www.example.org");
  REQUIRE(authz.challenges.size() == 2);
  CHECK(acme::choose_challenge(authz, {"tls-alpn-01", "http-01"})->type == "http-01");
  CHECK(acme::choose_challenge(authz, {"tls-alpn-01"}) == nullptr);
  const auto dir = acme::parse_directory(kDirectory);
  CHECK(dir.new_order == "https://example.com/acme/new-order");
  CHECK_THROWS_AS(acme::parse_directory(R"({"newNonce": "x"})"), acme::ProtocolError);
  CHECK_THROWS_AS(acme::parse_order("<html>"), acme::ProtocolError);
  const auto problem = acme::parse_problem(
      R"({"type": "urn:ietf:params:acme:error:badNonce", "detail": "stale", "status": 400})");
  CHECK(problem.is("badNonce"));
  CHECK_FALSE(problem.is("malformed"));
  CHECK(problem.describe() == "badNonce: stale");
}

TEST_CASE("acme: an order walked against a recorded exchange, a refused nonce retried") {
  acme::AccountKey key(acme::new_p256_key());
  const std::string order = "https://example.com/acme/order/TOlocE8rfgo";
  const std::string authz = "https://example.com/acme/authz/PAniVnsZcis";
  const std::string chall = "https://example.com/acme/chall/prV_B7yEyA4";
  auto with = [](std::string body, const char* status) {
    auto j = json::parse(body);
    j["status"] = status;
    return j;
  };
  auto valid_order = with(kPendingOrder, "valid");
  valid_order["certificate"] = "https://example.com/acme/cert/mAt3xBGaobw";
  ReplayTransport ca({
      {"GET", kDir, 200, {}, kDirectory},
      {"HEAD", "https://example.com/acme/new-nonce", 200, {nonce("n1")}, ""},
      {"POST", "https://example.com/acme/new-account", 400, {nonce("n2")},
       R"({"type": "urn:ietf:params:acme:error:badNonce", "detail": "stale"})"},
      {"POST", "https://example.com/acme/new-account", 201,
       {nonce("n3"), {"location", "https://example.com/acme/acct/evOfKhNU60wg"}}, R"({"status": "valid"})"},
      {"POST", "https://example.com/acme/new-order", 201, {nonce("n4"), {"location", order}}, kPendingOrder},
      {"POST", authz, 200, {nonce("n5")}, kPendingAuthz},
      {"POST", chall, 200, {nonce("n6")}, R"({"type": "http-01", "status": "processing"})"},
      {"POST", authz, 200, {nonce("n7"), {"retry-after", "0"}}, with(kPendingAuthz, "processing").dump()},
      {"POST", authz, 200, {nonce("n8")}, with(kPendingAuthz, "valid").dump()},
      {"POST", order, 200, {nonce("n9")}, with(kPendingOrder, "ready").dump()},
      {"POST", "https://example.com/acme/order/TOlocE8rfgo/finalize", 200, {nonce("n10")},
       with(kPendingOrder, "processing").dump()},
      {"POST", order, 200, {nonce("n11")}, valid_order.dump()},
      {"POST", "https://example.com/acme/cert/mAt3xBGaobw", 200, {nonce("n12")},
       "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"},
  });
  int slept = 0;
  acme::Client client(ca, key, kDir, [&](std::chrono::milliseconds) { return ++slept < 100; });
  CHECK(client.account("ops@example.org") == "https://example.com/acme/acct/evOfKhNU60wg");
  RecordingResponder responder;
  auto issued = client.issue({"www.example.org"}, responder);
  CHECK(ca.done());
  CHECK(issued.chain_pem.starts_with("-----BEGIN CERTIFICATE-----"));
  CHECK(acme::read_private_key_pem(issued.key_pem));
  // The nonce each request carried: the newest the CA gave, the refused one never again.
  std::vector<std::string> nonces;
  for (const auto& jws : ca.posted) nonces.push_back(protected_header(jws)["nonce"]);
  CHECK(nonces == std::vector<std::string>{"n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9",
                                           "n10", "n11"});
  CHECK(protected_header(ca.posted[1]).contains("jwk"));  // new account: the key itself
  CHECK(json::parse(payload(ca.posted[1]))["contact"][0] == "mailto:ops@example.org");
  for (std::size_t i = 2; i < ca.posted.size(); ++i)
    CHECK(protected_header(ca.posted[i])["kid"] == "https://example.com/acme/acct/evOfKhNU60wg");
  CHECK(payload(ca.posted[4]) == "{}");  // the challenge: ready to be validated
  CHECK(payload(ca.posted[3]).empty());  // the authorization: POST-as-GET
  const auto csr = json::parse(payload(ca.posted[8]))["csr"].get<std::string>();
  const auto der = *util::base64url_decode(csr);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509_REQ* req = d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size()));
  REQUIRE(req);
  CHECK(X509_REQ_verify(req, X509_REQ_get0_pubkey(req)) == 1);
  X509_REQ_free(req);
  REQUIRE(responder.log.size() == 2);
  CHECK(responder.log[0] == "present http-01 www.example.org DGyRejmCefe7v4NfDGDKfA." + key.thumbprint());
  CHECK(responder.log[1] == "withdraw http-01 www.example.org");
}

TEST_CASE("acme: an authorization that fails is reported with the CA's reason, and withdrawn") {
  acme::AccountKey key(acme::new_p256_key());
  auto invalid = json::parse(kPendingAuthz);
  invalid["status"] = "invalid";
  invalid["challenges"][1]["status"] = "invalid";
  invalid["challenges"][1]["error"] = {{"type", "urn:ietf:params:acme:error:connection"},
                                       {"detail", "connection refused"}};
  ReplayTransport ca({
      {"GET", kDir, 200, {}, kDirectory},
      {"HEAD", "https://example.com/acme/new-nonce", 200, {nonce("n1")}, ""},
      {"POST", "https://example.com/acme/new-order", 201,
       {nonce("n2"), {"location", "https://example.com/acme/order/1"}}, kPendingOrder},
      {"POST", "https://example.com/acme/authz/PAniVnsZcis", 200, {nonce("n3")}, kPendingAuthz},
      {"POST", "https://example.com/acme/chall/prV_B7yEyA4", 200, {nonce("n4")}, "{}"},
      {"POST", "https://example.com/acme/authz/PAniVnsZcis", 200, {nonce("n5")}, invalid.dump()},
  });
  acme::Client client(ca, key, kDir, [](std::chrono::milliseconds) { return true; });
  client.account("", "https://example.com/acme/acct/1");  // known: no request
  RecordingResponder responder;
  try {
    client.issue({"www.example.org"}, responder);
    FAIL("issued");
  } catch (const acme::AcmeError& e) {
    CHECK(std::string(e.what()).find("connection: connection refused") != std::string::npos);
  }
  CHECK(responder.log.back() == "withdraw http-01 www.example.org");
  // A CA that refuses outright: its problem and Retry-After.
  ReplayTransport limited({
      {"GET", kDir, 200, {}, kDirectory},
      {"HEAD", "https://example.com/acme/new-nonce", 200, {nonce("n1")}, ""},
      {"POST", "https://example.com/acme/new-order", 429, {nonce("n2"), {"retry-after", "120"}},
       R"({"type": "urn:ietf:params:acme:error:rateLimited", "detail": "too many"})"},
  });
  acme::Client busy(limited, key, kDir, [](std::chrono::milliseconds) { return true; });
  busy.account("", "https://example.com/acme/acct/1");
  try {
    busy.issue({"www.example.org"}, responder);
    FAIL("issued");
  } catch (const acme::AcmeError& e) {
    CHECK(e.problem.is("rateLimited"));
    CHECK(e.retry_after_s == 120);
  }
}

TEST_CASE("acme: the TLS-ALPN-01 certificate carries the key authorization's digest (RFC 8737)") {
  const auto cert = acme::alpn_challenge_certificate("links.example.com", "token.thumb");
  BIO* bio = BIO_new_mem_buf(cert.cert_pem.data(), static_cast<int>(cert.cert_pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(x);
  ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
  const int at = X509_get_ext_by_OBJ(x, oid, -1);
  ASN1_OBJECT_free(oid);
  REQUIRE(at >= 0);
  X509_EXTENSION* ext = X509_get_ext(x, at);
  CHECK(X509_EXTENSION_get_critical(ext) == 1);
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>("token.thumb"), 11, digest);
  std::string expected = std::string("\x04\x20", 2) + std::string(reinterpret_cast<char*>(digest), 32);
  CHECK(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                    static_cast<std::size_t>(ASN1_STRING_length(value))) == expected);
  CHECK(X509_check_host(x, "links.example.com", 0, 0, nullptr) == 1);
  X509_free(x);
}

TEST_CASE("acme: renewal times and back-off") {
  // 90 days: a third before the end, moved earlier by up to a tenth of that.
  const std::int64_t day = 86400;
  CHECK(acme::renewal_time(0, 90 * day, 0, 0) == 60 * day);
  CHECK(acme::renewal_time(0, 90 * day, 0, 1) == 57 * day);
  CHECK(acme::renewal_time(0, 90 * day, 30 * day, 0.5) == 60 * day - 30 * day / 20);
  CHECK(acme::renewal_time(100, 130, 0, 0) == 120);
  CHECK(acme::renewal_time(100, 130, 3600, 0) == 100);  // never before it began
  CHECK(acme::backoff_seconds(1) == 10);
  CHECK(acme::backoff_seconds(2) == 20);
  CHECK(acme::backoff_seconds(20) == 3600);
  CHECK(acme::backoff_seconds(1, 600) == 600);  // the CA's Retry-After when longer
}

TEST_CASE("acme: the on-demand gate: names, allow, ask, budgets, back-off") {
  CHECK(acme::host_matches("*.brands.test", "a.brands.test"));
  CHECK_FALSE(acme::host_matches("*.brands.test", "a.b.brands.test"));
  CHECK_FALSE(acme::host_matches("*.brands.test", "brands.test"));
  CHECK(acme::issuable_host("a-b.example.com"));
  for (const char* bad : {"localhost", "127.0.0.1", "-a.example.com", "a..b", "A.example.com",
                          "a_b.example.com", ""})
    CHECK_FALSE(acme::issuable_host(bad));

  using Step = acme::OnDemandGate::Step;
  using Outcome = acme::OnDemandOutcome;
  acme::OnDemandGate gate({{"*.brands.test"}, true, 2});
  std::int64_t now = 1'000'000;
  CHECK(gate.decide("a.brands.test", now).step == Step::permit);
  CHECK(gate.decide("127.0.0.1", now).refusal == Outcome::bad_name);
  CHECK(gate.decide("x.other.test", now).step == Step::ask);
  CHECK(gate.answered("x.other.test", false, false, now).refusal == Outcome::denied);
  CHECK(gate.decide("x.other.test", now + 1000).refusal == Outcome::denied);  // kept
  CHECK(gate.decide("x.other.test", now + 601'000).step == Step::ask);        // not forever
  CHECK(gate.answered("y.other.test", true, false, now).step == Step::permit);
  CHECK(gate.decide("y.other.test", now).step == Step::permit);
  CHECK(gate.answered("z.other.test", false, true, now).refusal == Outcome::ask_failed);
  // Two issuances a minute, then one every 30 s.
  CHECK(gate.spend(now));
  CHECK(gate.spend(now));
  CHECK_FALSE(gate.spend(now));
  CHECK(gate.spend(now + 30'000));
  // A failure backs the name off, 10 s then 20 s.
  gate.failed("a.brands.test", now);
  CHECK(gate.decide("a.brands.test", now + 5000).refusal == Outcome::backing_off);
  CHECK(gate.decide("a.brands.test", now + 10'000).step == Step::permit);
  gate.failed("a.brands.test", now);
  CHECK(gate.decide("a.brands.test", now + 15'000).refusal == Outcome::backing_off);
  gate.issued("a.brands.test");
  CHECK(gate.decide("a.brands.test", now + 15'000).step == Step::permit);
  // Asking has its budget too (60 a minute at least): a flood is refused, not asked.
  acme::OnDemandGate flood({{}, true, 1});
  int asks = 0;
  for (int i = 0; i < 1000; ++i)
    if (flood.decide("r" + std::to_string(i) + ".flood.test", now).step == Step::ask) ++asks;
  CHECK(asks == 60);
}

TEST_CASE("acme: storage files are 0600, swapped whole, and locks exclude each other") {
  const auto root = std::filesystem::temp_directory_path() / "linktrack-acme-unit";
  std::filesystem::remove_all(root);
  acme::Storage storage(root.string());
  storage.prepare();
  CHECK_FALSE(storage.read_certificate("links.example.com"));
  const auto cert = acme::alpn_challenge_certificate("links.example.com", "k");
  storage.write_certificate("links.example.com", cert.key_pem, cert.cert_pem);
  auto stored = storage.read_certificate("links.example.com");
  REQUIRE(stored);
  CHECK(stored->pem == cert.key_pem + cert.cert_pem);
  CHECK(stored->not_after > stored->not_before);
  struct stat st {};
  REQUIRE(::stat(storage.certificate_path("links.example.com").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(storage.certificate_hosts() == std::vector<std::string>{"links.example.com"});
  CHECK_THROWS(storage.write_certificate("../escape", "", ""));
  storage.write_account_url(kDir, "https://ca/acct/1");
  CHECK(storage.read_account_url(kDir) == "https://ca/acct/1");
  CHECK(storage.read_account_url("https://other.ca/dir").empty());
  storage.request_renewal("links.example.com");
  CHECK(storage.take_renewal_requests() == std::vector<std::string>{"links.example.com"});
  CHECK(storage.take_renewal_requests().empty());
  {
    acme::StorageLock first(storage, "links.example.com");
    acme::StorageLock second(storage, "links.example.com");
    CHECK(first.held());
    CHECK_FALSE(second.held());
  }
  acme::StorageLock after(storage, "links.example.com");
  CHECK(after.held());
  const auto rows = acme::certificate_rows(storage, {"links.example.com", "new.example.com"}, 0);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].host == "links.example.com");
  CHECK(rows[0].configured);
  CHECK(rows[1].not_after == 0);
  std::filesystem::remove_all(root);
}

TEST_CASE("net: the server name of a real ClientHello, whole or cut short") {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, in, out);
  SSL_set_tlsext_host_name(ssl, "Links.Example.COM");
  SSL_connect(ssl);  // writes the ClientHello and waits for an answer that never comes
  char* data = nullptr;
  const long n = BIO_get_mem_data(out, &data);
  const std::string hello(data, static_cast<std::size_t>(n));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  REQUIRE(hello.size() > 100);
  auto whole = net::client_hello_name(hello);
  CHECK(whole.state == net::ClientHelloName::State::done);
  CHECK(whole.name == "links.example.com");
  for (std::size_t cut : {0, 3, 5, 50})
    CHECK(net::client_hello_name(hello.substr(0, cut)).state ==
          net::ClientHelloName::State::need_more);
  CHECK(net::client_hello_name("GET / HTTP/1.1\r\n").state == net::ClientHelloName::State::not_tls);
  // Every cut and every single-byte change of the hello reads without overrunning (ASan).
  for (std::size_t i = 0; i < hello.size(); ++i) {
    (void)net::client_hello_name(hello.substr(0, i));
    std::string changed = hello;
    changed[i] = static_cast<char>(changed[i] ^ 0xff);
    (void)net::client_hello_name(changed);
  }
}
