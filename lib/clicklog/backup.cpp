#include "clicklog/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "clicklog/database.hpp"

namespace linktrack::clicklog {
namespace {

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

BackupResult backup_log(const std::string& source, const std::string& destination) {
  const std::string partial = destination + ".partial";
  std::filesystem::remove(partial);
  BackupResult result;
  {
    Database from(source, Database::Mode::read_only);
    Database to(partial, Database::Mode::read_write);
    sqlite3_backup* backup = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
    if (!backup) to.fail("backup of " + source + " to " + partial, sqlite3_errcode(to.handle()));
    // Every page in one step: one read transaction, so nothing the writer commits meanwhile
    // restarts the copy or half-enters it. A page of the writer's in flight waits for it.
    int rc;
    while ((rc = sqlite3_backup_step(backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
      sqlite3_sleep(20);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      std::filesystem::remove(partial);
      to.fail("backup of " + source + " to " + partial, rc);
    }
    // A copy stands alone: one file, no WAL beside it.
    to.exec("PRAGMA journal_mode=DELETE");
    Statement count(to, "SELECT count(*), coalesce(max(id), 0) FROM events");
    if (count.step()) {
      result.events = count.int64(0);
      result.last_event_id = count.int64(1);
    }
  }
  fsync_path(partial, O_RDONLY);
  std::filesystem::rename(partial, destination);
  fsync_path(std::filesystem::path(destination).parent_path().empty()
                 ? "."
                 : std::filesystem::path(destination).parent_path().string(),
             O_RDONLY | O_DIRECTORY);
  result.bytes = static_cast<std::int64_t>(std::filesystem::file_size(destination));
  return result;
}

}  // namespace linktrack::clicklog
