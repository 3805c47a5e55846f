// Standard Webhooks signatures (standard-webhooks/standard-webhooks, spec.md): the signed
// content is "webhook-id.webhook-timestamp.body", signed with HMAC-SHA256 under each key, and
// sent as "v1,<base64>" entries separated by spaces, one per key (so a receiver can rotate).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace linktrack::webhook {

// The webhook-signature header's value. `keys` are the secrets' bytes (after "whsec_").
std::string signature_header(const std::vector<std::string>& keys, std::string_view message_id,
                             std::int64_t timestamp_s, std::string_view body);

}  // namespace linktrack::webhook
