// What a tracked link carries. Every field but the URL is optional; open-tracking tokens carry
// no URL at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace linktrack::token {

// A honeypot is a click link without a destination: put where no person can see or reach it,
// so that whatever fetches it is reading links, not the email.
enum class Kind : std::uint8_t { click = 0, open = 1, honeypot = 2 };

struct LinkFields {
  Kind kind = Kind::click;
  std::string url;  // the destination; empty for opens and honeypots
  std::optional<std::string> campaign;
  std::optional<std::string> template_id;
  std::optional<std::string> message;
  std::optional<std::string> recipient;
  std::optional<std::string> link;  // a name, or the link's index in the email
  std::int64_t issued_at = 0;       // Unix seconds
  std::optional<std::int64_t> expires_at;

  bool operator==(const LinkFields&) const = default;
};

}  // namespace linktrack::token
