// A request body as RFC 8555 6.2 wants it: a flattened JWS (RFC 7515 7.2.2) signed ES256, its
// protected header carrying the nonce, the URL and either the account's JWK (new account) or
// its URL (kid).
#pragma once

#include <string>
#include <string_view>

#include "acme/account_key.hpp"

namespace linktrack::acme {

struct JwsHeader {
  std::string nonce;
  std::string url;
  std::string kid;  // the account URL; empty: the JWK is sent instead
};

// `payload` is the JSON text to sign; empty for a POST-as-GET (RFC 8555 6.3).
std::string sign_jws(const AccountKey& key, const JwsHeader& header, std::string_view payload);

}  // namespace linktrack::acme
