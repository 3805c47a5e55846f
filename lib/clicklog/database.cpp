#include "clicklog/database.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <vector>

#include "clicklog/event_columns.hpp"
#include "clicklog/migrations.hpp"

namespace linktrack::clicklog {
namespace {

// SQLite counts every allocation under a global mutex unless told not to; linktrack never reads
// those counts, and the writer allocates per row. Must run before the first connection opens.
void configure_sqlite_once() {
  static const int configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize();
  }();
  (void)configured;
}

}  // namespace

Database::Database(const std::string& path, Mode mode, int busy_timeout_ms) : path_(path) {
  int flags =
      mode == Mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (mode == Mode::read_write && path != ":memory:") {
    auto dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    // The log holds client addresses and recipient ids: readable by the service alone. SQLite
    // gives its -wal and -shm files the database file's mode, so creating it 0600 covers all.
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  configure_sqlite_once();
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DatabaseError("cannot open " + path + ": " + msg, rc);
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  sqlite3_extended_result_codes(db_, 1);
  // A new log gets 16 KiB pages: appends touch fewer pages and the writer sustains about a
  // third more events/s than with 4 KiB (tests/bench). A no-op on an existing database.
  if (mode == Mode::read_write) exec("PRAGMA page_size = 16384");
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

void Database::fail(const std::string& what, int code) const {
  throw DatabaseError(what + ": " + sqlite3_errmsg(db_) + " (" + path_ + ")", code);
}

void Database::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw DatabaseError(msg + " (" + path_ + ")", rc);
  }
}

Statement::Statement(Database& db, const std::string& sql) : db_(db) {
  int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail("prepare", rc);
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::bind(int i, const std::string& v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
void Statement::bind(int i, const std::optional<std::string>& v) {
  if (v)
    bind(i, *v);
  else
    bind_null(i);
}
void Statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
}
void Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  db_.fail("step", rc);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
}

std::string Statement::text(int column) const {
  auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

Transaction::Transaction(Database& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

ReadTransaction::ReadTransaction(Database& db) : db_(db) {
  db_.exec("BEGIN");
}

ReadTransaction::~ReadTransaction() {
  sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

int schema_version(Database& db) {
  Statement s(db, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.int64(0));
}

int latest_schema_version() {
  const auto& all = embedded_migrations();
  return all.empty() ? 0 : all.back().version;
}

int migrate(Database& db) {
  const int current = schema_version(db);
  if (current > latest_schema_version())
    throw DatabaseError("the database " + db.path() + " has schema version " +
                            std::to_string(current) + ", newer than this linktrack knows (" +
                            std::to_string(latest_schema_version()) +
                            "); upgrade linktrack or use another database",
                        SQLITE_ERROR);
  int applied = 0;
  for (const auto& m : embedded_migrations()) {
    if (m.version <= current) continue;
    Transaction tx(db);
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.commit();
    ++applied;
  }
  return applied + add_declared_columns(db);
}

int add_declared_columns(Database& db) {
  std::vector<std::string> present;
  {
    Statement info(db, "SELECT name FROM pragma_table_info('events')");
    while (info.step()) present.push_back(info.text(0));
  }
  Transaction tx(db);
  int added = 0;
  for (const auto& c : kEventColumns) {
    if (std::find(present.begin(), present.end(), c.name) != present.end()) continue;
    db.exec(std::string("ALTER TABLE events ADD COLUMN ") + c.name + " " + c.sql_type);
    ++added;
  }
  tx.commit();
  return added;
}

}  // namespace linktrack::clicklog
