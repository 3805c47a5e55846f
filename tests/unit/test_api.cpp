#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "api/api.hpp"
#include "api/error.hpp"
#include "api/keys.hpp"
#include "api/query.hpp"
#include "api/routes.hpp"
#include "mint/link_item.hpp"
#include "util/json_text.hpp"

using namespace linktrack;

namespace {

config::ApiKey key(std::string id, std::string secret, unsigned scopes) {
  config::ApiKey k;
  k.id = std::move(id);
  k.secret = std::move(secret);
  k.scope_bits = scopes;
  return k;
}

constexpr unsigned kRead = static_cast<unsigned>(config::ApiScope::read);
constexpr unsigned kMint = static_cast<unsigned>(config::ApiScope::mint);

}  // namespace

TEST_CASE("API keys: bearer parsing, digests, and whose key a secret is") {
  CHECK(api::bearer_token("Bearer abc") == "abc");
  CHECK(api::bearer_token("bearer   abc  ") == "abc");
  CHECK(api::bearer_token("BEARER abc") == "abc");
  CHECK_FALSE(api::bearer_token("Basic abc").has_value());
  CHECK_FALSE(api::bearer_token("Bearer ").has_value());
  CHECK_FALSE(api::bearer_token("Bearerabc").has_value());
  CHECK_FALSE(api::bearer_token("").has_value());
  CHECK(api::hex(api::sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2

  auto hashed = key("h", "", kMint);
  const auto d = api::sha256("digest-only-secret-0123");
  hashed.secret_digest.assign(reinterpret_cast<const char*>(d.data()), d.size());
  api::KeyTable keys({key("a", "secret-of-a-0123456789", kRead), hashed});
  CHECK(keys.find("secret-of-a-0123456789")->id == "a");
  CHECK(keys.find("secret-of-a-0123456789")->may(config::ApiScope::read));
  CHECK_FALSE(keys.find("secret-of-a-0123456789")->may(config::ApiScope::mint));
  CHECK(keys.find("digest-only-secret-0123")->id == "h");
  CHECK_FALSE(keys.find("secret-of-a-012345678").has_value());  // a prefix is not the key
  CHECK_FALSE(keys.find("").has_value());
  CHECK(api::KeyTable({}).empty());
}

TEST_CASE("query parameters: decoded, unknown and repeated ones refused") {
  api::QueryParams q("campaign=spring%20sale&since=7d&by=link&flag", "campaign since by flag");
  CHECK(q.text("campaign") == "spring sale");
  CHECK(q.time("since", 1000000000000) == 1000000000000 - 7 * 86400000LL);
  CHECK(q.flag("flag"));
  CHECK_FALSE(q.flag("missing"));
  CHECK_FALSE(q.text("missing").has_value());
  CHECK_THROWS_AS(api::QueryParams("campain=x", "campaign"), api::ApiError);
  CHECK_THROWS_AS(api::QueryParams("a=1&a=2", "a"), api::ApiError);
  CHECK_THROWS_AS(api::QueryParams("a=%ff", "a"), api::ApiError);  // not UTF-8
  CHECK_THROWS_AS(api::QueryParams("x=1", ""), api::ApiError);
  api::QueryParams n("limit=10&bad=1x", "limit bad");
  CHECK(n.integer("limit", 1, 100) == 10);
  CHECK_THROWS_AS(n.integer("limit", 11, 100), api::ApiError);
  CHECK_THROWS_AS(n.integer("bad", 0, 100), api::ApiError);
  try {
    api::QueryParams("campain=x", "campaign since");
    FAIL("accepted");
  } catch (const api::ApiError& e) {
    CHECK(e.status() == 400);
    CHECK(std::string(e.what()).find("campain") != std::string::npos);
  }
}

TEST_CASE("the OpenAPI document describes exactly the routes, methods and parameters served") {
  const auto doc = nlohmann::json::parse(api::openapi_document());
  CHECK(doc["openapi"] == "3.1.0");
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items()) documented.insert(path);
  std::set<std::string> served;
  for (const auto& r : api::kRoutes) {
    const std::string path(r.path);
    served.insert(path);
    std::string method(r.method);
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    INFO(path);
    REQUIRE(doc["paths"][path].contains(method));
    const auto& op = doc["paths"][path][method];
    // The parameters the router accepts are the ones documented.
    std::set<std::string> params, listed;
    for (auto p : op.value("parameters", nlohmann::json::array())) {
      if (p.contains("$ref")) {
        const std::string ref = p["$ref"];
        p = doc["components"]["parameters"][ref.substr(ref.rfind('/') + 1)];
      }
      params.insert(p["name"].get<std::string>());
    }
    std::string names(r.params);
    for (std::size_t at = 0; at < names.size();) {
      auto end = std::min(names.find(' ', at), names.size());
      listed.insert(names.substr(at, end - at));
      at = end + 1;
    }
    CHECK(params == listed);
    // Open endpoints say so; the rest need the bearer scheme.
    CHECK((op.contains("security") && op["security"].empty()) == (r.scope == api::Scope::none));
  }
  CHECK(documented == served);
}

TEST_CASE("the router: 404, 405, 401 and 403 in JSON before any endpoint runs") {
  config::Config c;
  api::KeyTable keys({key("reader", "reader-secret-0123456789", kRead)});
  api::Context ctx{c, 0, {}, {}, {}};
  bool touched = false;
  ctx.reader = [&]() -> clicklog::Database& {
    touched = true;
    throw clicklog::DatabaseError("no log here", 14);
  };
  ctx.writer = ctx.reader;
  auto call = [&](std::string_view method, std::string_view target, std::string_view auth) {
    return api::handle({method, target, auth, ""}, ctx, keys);
  };
  auto code = [](const api::Outcome& o) {
    return nlohmann::json::parse(o.response.body)["error"]["code"].get<std::string>();
  };
  auto o = call("GET", "/api/v1/nope", "");
  CHECK(o.response.status == 404);
  CHECK(code(o) == "not_found");
  CHECK(o.response.no_store);
  o = call("GET", "/api/v1/links", "Bearer reader-secret-0123456789");
  CHECK(o.response.status == 405);
  CHECK(o.endpoint == api::Endpoint::links);
  o = call("GET", "/api/v1/stats", "");
  CHECK(o.response.status == 401);
  o = call("POST", "/api/v1/links", "Bearer reader-secret-0123456789");
  CHECK(o.response.status == 403);
  CHECK(o.caller == "reader");
  CHECK(code(o) == "forbidden");
  CHECK_FALSE(touched);
  // A log that cannot be read: 503 with Retry-After, never a crash.
  o = call("GET", "/api/v1/stats", "Bearer reader-secret-0123456789");
  CHECK(o.response.status == 503);
  CHECK(touched);
  CHECK(code(o) == "store_unavailable");
  // A bad parameter is refused before the log is read.
  touched = false;
  o = call("GET", "/api/v1/stats?by=week", "Bearer reader-secret-0123456789");
  CHECK(o.response.status == 400);
  CHECK_FALSE(touched);
  o = call("GET", "/api/v1/openapi.json", "");
  CHECK(o.response.status == 200);
  CHECK(nlohmann::json::parse(o.response.body)["openapi"] == "3.1.0");
}

TEST_CASE("a link item: every field, ids as strings or integers, and errors that name the field") {
  auto item = mint::link_item_from_json(
      util::parse_json(R"({"domain": "d", "url": "https://e.com/", "campaign": 7,
                           "template": "t", "message": "m", "recipient": null, "link": "3",
                           "sent_at": "2026-11-01T00:00:00Z", "expires": "1h"})"),
      5);
  CHECK(item.domain == "d");
  CHECK(item.fields.campaign == "7");
  CHECK_FALSE(item.fields.recipient.has_value());
  CHECK(item.fields.issued_at == 1793491200);
  CHECK(item.fields.expires_at == 1793491200 + 3600);
  CHECK(mint::link_item_from_json(util::parse_json(R"({"open": true})"), 5).fields.kind ==
        token::Kind::open);
  CHECK(mint::link_item_from_json(util::parse_json(R"({"url": "x"})"), 5).fields.issued_at == 5);
  for (const auto& [text, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"sent_at": "yesterday"})", "sent_at"},
           {R"({"expires": "soon"})", "expires"},
           {R"({"open": 1})", "open"},
           {R"({"campaign": [1]})", "campaign"},
           {R"({"colour": "red"})", "colour"},
           {R"({"open": true, "honeypot": true})", "honeypot"}}) {
    INFO(text);
    try {
      mint::link_item_from_json(util::parse_json(text), 0);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find(field) != std::string::npos);
    }
  }
  CHECK_THROWS_AS(mint::link_item_from_json(util::parse_json("[1]"), 0), std::invalid_argument);
}

TEST_CASE("JSON text: the byte where it stops being JSON") {
  CHECK(util::parse_json(" {\"a\": 1} \n").as_object().at("a").as_int64() == 1);
  try {
    util::parse_json("{\"a\": tru}");
    FAIL("accepted");
  } catch (const util::JsonSyntaxError& e) {
    CHECK(e.byte() >= 6);
    CHECK(e.byte() <= 9);
  }
  CHECK_THROWS_AS(util::parse_json("{} {}"), util::JsonSyntaxError);
  CHECK_THROWS_AS(util::parse_json("{\"a\": "), util::JsonSyntaxError);
  CHECK_THROWS_AS(util::parse_json(""), util::JsonSyntaxError);
}
