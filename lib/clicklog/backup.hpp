// A consistent copy of the live click log, taken while the server writes to it.
#pragma once

#include <cstdint>
#include <string>

namespace linktrack::clicklog {

struct BackupResult {
  std::int64_t events = 0;         // events in the copy
  std::int64_t last_event_id = 0;  // the newest event's local id in the copy (0: none)
  std::int64_t bytes = 0;          // the copy's size
};

// Copies the log at `source` to `destination` with SQLite's online backup, in one read
// transaction: the copy holds exactly what was committed when it began, however busy the
// writer (WAL lets it go on meanwhile). The copy is written beside `destination` and renamed
// over it once synced, so a failed backup never leaves half a file under that name. Throws
// DatabaseError.
BackupResult backup_log(const std::string& source, const std::string& destination);

}  // namespace linktrack::clicklog
