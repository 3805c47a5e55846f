// One click, open or app-link resolution, as the front end hands it to the click log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace linktrack::clicklog {

enum class EventKind { click, open, app };
const char* to_string(EventKind k);

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

inline const char* to_string(EventKind k) {
  switch (k) {
    case EventKind::click:
      return "click";
    case EventKind::open:
      return "open";
    case EventKind::app:
      return "app";
  }
  return "click";
}

}  // namespace linktrack::clicklog
