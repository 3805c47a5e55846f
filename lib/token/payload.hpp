// The token's plaintext: a compact binary form of LinkFields (see SPEC.md, "Payload").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "token/fields.hpp"

namespace linktrack::token {

// Unix time of 2024-01-01T00:00:00Z; issue times count from here to save a byte.
inline constexpr std::int64_t kEpoch = 1704067200;

// Appends the payload to `out`. The fields must already be valid (see validate_fields).
void encode_payload(const LinkFields& fields, std::string& out);
// nullopt when the bytes are not a well-formed payload.
std::optional<LinkFields> decode_payload(std::string_view bytes);

// nullopt when the fields can be signed; otherwise what is wrong with them.
std::optional<std::string> fields_problem(const LinkFields& fields);

}  // namespace linktrack::token
