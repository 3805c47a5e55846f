// The node part of event ids (NODE:LOCAL): the configured node_id, else the log's own name,
// made once when the log was created (migrations/0004), so ids never change under a log.
#pragma once

#include <optional>
#include <string>

#include "clicklog/database.hpp"

namespace linktrack::clicklog {

std::string node_id(Database& db, const std::optional<std::string>& configured);

// The local part of an event id given as "NODE:LOCAL" (this node's) or "LOCAL"; nullopt when it
// is neither, or names another node.
std::optional<std::int64_t> local_event_id(std::string_view id, std::string_view node);

}  // namespace linktrack::clicklog
