// What re-scoring changed: the verdict changes (migrations/0004) in a period, counted by the
// verdict before and after.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clicklog/database.hpp"

namespace linktrack::clicklog {

struct VerdictChangeCount {
  std::string previous;  // "human" for events judged before verdicts existed
  std::string verdict;
  std::int64_t events = 0;
};

// Largest first; changes made in [since_ms, until_ms).
std::vector<VerdictChangeCount> count_verdict_changes(Database& db, std::int64_t since_ms,
                                                      std::int64_t until_ms);

// The newest event's id (its local number); 0 for an empty log.
std::int64_t newest_event_id(Database& db);

}  // namespace linktrack::clicklog
