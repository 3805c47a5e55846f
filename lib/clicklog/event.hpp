// One click, open or app-link resolution, as the front end hands it to the click log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/named_enum.hpp"

namespace linktrack::clicklog {

// The kinds of event; their names are what the log's `kind` column holds.
#define LINKTRACK_EVENT_KINDS(X) X(click) X(open) X(app)
LINKTRACK_NAMED_ENUM(EventKind, LINKTRACK_EVENT_KINDS)

struct ClickEvent {
  std::int64_t time_ms = 0;  // Unix milliseconds, UTC
  EventKind kind = EventKind::click;
  std::string host;
  std::optional<std::string> campaign, template_id, message, recipient, link;
  std::string destination;               // empty for opens
  std::optional<std::string> client_ip;  // as privacy.ip allows
  std::optional<std::string> user_agent;
  std::optional<std::string> referer;
  std::uint32_t key_id = 0;
};

}  // namespace linktrack::clicklog
