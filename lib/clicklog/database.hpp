// RAII for SQLite connections and statements, and schema migrations.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace linktrack::clicklog {

struct DatabaseError : std::runtime_error {
  int code;
  DatabaseError(const std::string& what, int c) : std::runtime_error(what), code(c) {}
};

class Statement;

class Database {
 public:
  enum class Mode { read_write, read_only };
  // `busy_timeout_ms`: how long a statement waits for another connection's lock.
  Database(const std::string& path, Mode mode, int busy_timeout_ms = 5000);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(const std::string& what, int code) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(Database& db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, const std::string& v);
  // Binds without copying: `v` must outlive the statement's next step().
  void bind_static(int index, std::string_view v) {
    sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind_static(int index, const std::string& v) { bind_static(index, std::string_view(v)); }
  void bind_static(int index, const char* v) { bind_static(index, std::string_view(v)); }
  void bind_static(int index, const std::optional<std::string>& v) {
    if (v)
      bind_static(index, *v);
    else
      bind_null(index);
  }
  void bind(int index, const std::optional<std::string>& v);
  void bind(int index, std::int64_t v);
  void bind_null(int index);
  // Binds bytes as a BLOB without copying: `v` must outlive the statement's next step().
  void bind_blob(int index, std::string_view v) {
    sqlite3_bind_blob(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  bool step();  // true while a row is available
  sqlite3_stmt* handle() const { return stmt_; }
  void reset();  // for the next step(); bindings stay until rebound
  std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::optional<std::string> optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
  }
  std::string text(int column) const;
  // The column's text without a copy, or none when it is NULL: one call fewer than is_null()
  // and text_view(), which counts in a loop over millions of rows.
  std::optional<std::string_view> optional_view(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (!p) return std::nullopt;
    return std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  // The column's text without a copy: valid until the next step() or reset().
  std::string_view text_view(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string_view();
  }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  // A BLOB's bytes without a copy: valid until the next step() or reset().
  std::string_view blob_view(int column) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string_view();
  }

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Rolls back unless committed; never throws from the destructor.
class Transaction {
 public:
  explicit Transaction(Database& db);  // BEGIN IMMEDIATE
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// A read transaction (BEGIN DEFERRED): the statements inside it see one snapshot of the log.
// Ends with its scope; never throws from the destructor.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
};

// Applies the embedded migrations newer than PRAGMA user_version, each in its own transaction.
// Then adds the columns of event fields declared since (add_declared_columns). Returns the
// number of migrations and columns applied. Throws when the database is newer than this binary.
int migrate(Database& db);
// Adds a column for each field of LINKTRACK_EVENT_FIELDS that the `events` table lacks.
int add_declared_columns(Database& db);
int schema_version(Database& db);
int latest_schema_version();

}  // namespace linktrack::clicklog
