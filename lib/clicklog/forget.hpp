// Forgetting a person: every event of one recipient deleted from the log, and from what was
// made of them for webhook endpoints and not yet delivered (pending batches, dead letters).
#pragma once

#include <cstdint>
#include <string>

#include "clicklog/database.hpp"

namespace linktrack::clicklog {

// Deletes every event of one recipient; returns how many.
std::int64_t forget_recipient(Database& db, const std::string& recipient);

}  // namespace linktrack::clicklog
