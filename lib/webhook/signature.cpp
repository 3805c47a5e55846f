#include "webhook/signature.hpp"

#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>

#include "util/base64.hpp"

namespace linktrack::webhook {
namespace {

// HMAC-SHA256 over `prefix` then `body`, without joining them: bodies are up to megabytes.
std::string hmac_sha256(const std::string& key, std::string_view prefix, std::string_view body) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                        EVP_MAC_free);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(
      mac ? EVP_MAC_CTX_new(mac.get()) : nullptr, EVP_MAC_CTX_free);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                               OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t size = 0;
  const auto bytes = [](std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
  };
  if (!ctx || EVP_MAC_init(ctx.get(), bytes(key), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), bytes(prefix), prefix.size()) != 1 ||
      EVP_MAC_update(ctx.get(), bytes(body), body.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out, &size, sizeof out) != 1)
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(out), size);
}

}  // namespace

std::string signature_header(const std::vector<std::string>& keys, std::string_view message_id,
                             std::int64_t timestamp_s, std::string_view body) {
  const std::string prefix = std::string(message_id) + "." + std::to_string(timestamp_s) + ".";
  std::string header;
  for (const auto& key : keys) {
    if (!header.empty()) header += ' ';
    header += "v1," + util::base64_encode(hmac_sha256(key, prefix, body));
  }
  return header;
}

}  // namespace linktrack::webhook
