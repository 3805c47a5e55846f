#include "acme/jws.hpp"

#include <nlohmann/json.hpp>

#include "util/base64.hpp"

namespace linktrack::acme {

std::string sign_jws(const AccountKey& key, const JwsHeader& header, std::string_view payload) {
  nlohmann::json protected_header = {{"alg", "ES256"}, {"nonce", header.nonce}, {"url", header.url}};
  if (header.kid.empty())
    protected_header["jwk"] = nlohmann::json::parse(key.jwk());
  else
    protected_header["kid"] = header.kid;
  const std::string head = util::base64url_encode(protected_header.dump());
  const std::string body = util::base64url_encode(payload);
  const std::string signature = util::base64url_encode(key.sign(head + "." + body));
  return nlohmann::json{{"protected", head}, {"payload", body}, {"signature", signature}}.dump();
}

}  // namespace linktrack::acme
