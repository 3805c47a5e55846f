// Base64 (standard, padded) and base64url (no padding): OpenSSL's encoder and decoder, but
// base64url is decoded by table (a token on every click).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linktrack::util {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);  // ignores surrounding space
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace linktrack::util
