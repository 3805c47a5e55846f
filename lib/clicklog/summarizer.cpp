#include "clicklog/summarizer.hpp"

#include <string>
#include <utility>
#include <vector>

#include "clicklog/background_slice.hpp"
#include "clicklog/summary_cells.hpp"

namespace linktrack::clicklog {
namespace {

constexpr int kSummarySchema = 6;  // the summary's tables; exact people from 7

// A stored part keeps registers beside its hashes from this many people
// (clicklog/people_sketch.hpp).
constexpr std::size_t kRegistersFrom = 1024;

// Reads and writes stored cells: counts in summary_hours, people in summary_people, where a
// cell's people may be in several parts (migrations/0007_exact_people.sql).
struct CellStore {
  explicit CellStore(Database& db)
      : counts(db,
               "INSERT OR REPLACE INTO summary_hours (dimension, hour, value, clicks, "
               "suspect_clicks, bot_clicks, opens, suspect_opens, bot_opens, last_click_ms, "
               "detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
        people(db,
               "INSERT OR REPLACE INTO summary_people (dimension, hour, value, part, clickers, "
               "openers, clicker_registers, opener_registers) VALUES (?,?,?,?,?,?,?,?)"),
        find_counts(db, std::string("SELECT ") + kStoredColumns +
                            " FROM summary_hours WHERE dimension = ? AND hour = ? AND value = ?"),
        find_parts(db,
                   "SELECT part, IFNULL(length(clickers), 0) + IFNULL(length(openers), 0) FROM "
                   "summary_people WHERE dimension = ? AND hour = ? AND value = ? ORDER BY part"),
        find_part(db,
                  "SELECT clickers, openers FROM summary_people WHERE dimension = ? AND "
                  "hour = ? AND value = ? AND part = ?"),
        drop_part(db,
                  "DELETE FROM summary_people WHERE dimension = ? AND hour = ? AND value = ? "
                  "AND part = ?") {}

  static void bind_key(Statement& s, const CellKey& key) {
    s.reset();
    s.bind_static(1, to_string(std::get<0>(key)));
    s.bind(2, std::get<2>(key));
    s.bind_static(3, std::get<1>(key));
  }

  // The stored cell's counts merged into `cell`, when there is one (its people stay stored).
  void merge_stored_counts(const CellKey& key, Cell& cell) {
    bind_key(find_counts, key);
    if (!find_counts.step()) return;
    Cell stored = stored_cell(find_counts, 0);
    stored.merge_counts(cell);
    stored.clickers = std::move(cell.clickers);
    stored.openers = std::move(cell.openers);
    cell = std::move(stored);
  }

  void write_counts(const CellKey& key, const Cell& c) {
    bind_key(counts, key);
    for (int i = 0; i < 6; ++i) counts.bind(4 + i, c.counts[static_cast<std::size_t>(i)]);
    if (c.last_click_ms)
      counts.bind(10, *c.last_click_ms);
    else
      counts.bind_null(10);
    counts.bind_static(11, c.detail);
    counts.step();
  }

  void write_part(const CellKey& key, std::int64_t part, Cell& c) {
    const auto clickers = c.clickers.serialize(), openers = c.openers.serialize();
    if (clickers.empty() && openers.empty()) return;
    // Registers beside the hashes where they are the smaller read (a 4 KiB register file
    // against 8 bytes a person).
    const auto registers = [](const PeopleSketch& s) {
      return s.size() > kRegistersFrom ? s.serialize_registers() : std::string();
    };
    const auto clicker_registers = registers(c.clickers), opener_registers = registers(c.openers);
    bind_key(people, key);
    people.bind(4, part);
    people.bind_blob(5, clickers);
    people.bind_blob(6, openers);
    for (const auto& [column, bytes] : {std::pair{7, &clicker_registers}, {8, &opener_registers}})
      if (bytes->empty())
        people.bind_null(column);
      else
        people.bind_blob(column, *bytes);
    people.step();
  }

  // A recomputed hour: its cells written whole, the people as part 0.
  void write(const CellKey& key, Cell& c) {
    write_counts(key, c);
    if (keeps_people(std::get<0>(key))) write_part(key, 0, c);
  }

  // New events' people in a cell: appended as a part, merged with the newest stored parts as
  // long as the next older one is at most twice the size of those merged so far. Each part
  // stays over twice the size of all newer ones together: a cell keeps a few parts (log3 of
  // its steps), and a person's hash is rewritten as often, not at every step of a busy hour.
  void append_people(const CellKey& key, Cell& c) {
    if (c.clickers.empty() && c.openers.empty()) return;
    std::vector<std::pair<std::int64_t, std::int64_t>> parts;  // part, bytes
    bind_key(find_parts, key);
    while (find_parts.step()) parts.emplace_back(find_parts.int64(0), find_parts.int64(1));
    std::int64_t bytes = static_cast<std::int64_t>(8 * (c.clickers.size() + c.openers.size()));
    std::int64_t part = parts.empty() ? 0 : parts.back().first + 1;
    while (!parts.empty() && parts.back().second <= 2 * bytes) {
      const auto older = parts.back();
      parts.pop_back();
      bind_key(find_part, key);
      find_part.bind(4, older.first);
      if (find_part.step()) {
        Cell stored;
        add_stored_people(stored, find_part, 0);
        c.clickers.merge(stored.clickers);
        c.openers.merge(stored.openers);
      }
      bind_key(drop_part, key);
      drop_part.bind(4, older.first);
      drop_part.step();
      bytes += older.second;
      part = older.first;
    }
    write_part(key, part, c);
  }

  Statement counts, people, find_counts, find_parts, find_part, drop_part;
};

}  // namespace

std::int64_t summary_after_id(Database& db) {
  Statement s(db, "SELECT value FROM counters WHERE name = 'summary_after_id'");
  return s.step() ? s.int64(0) : 0;
}

void mark_hours_dirty(Database& db, const char* where,
                      const std::function<void(Statement&)>& bind) {
  if (schema_version(db) < kSummarySchema) return;
  // Only hours the summary already holds events of: newer events are summarized as they are.
  Statement s(db, std::string("INSERT OR IGNORE INTO summary_dirty (hour) SELECT DISTINCT "
                              "time_ms / 3600000 FROM events WHERE (") +
                      where +
                      ") AND id <= (SELECT value FROM counters WHERE name = 'summary_after_id')");
  bind(s);
  s.step();
}

void mark_times_dirty(Database& db, const std::vector<std::int64_t>& times_ms) {
  if (times_ms.empty() || schema_version(db) < kSummarySchema) return;
  Statement s(db, "INSERT OR IGNORE INTO summary_dirty (hour) VALUES (?)");
  for (auto t : times_ms) {
    s.reset();
    s.bind(1, t >= 0 ? t / kHourMs : (t - kHourMs + 1) / kHourMs);
    s.step();
  }
}

SummaryProgress summarize_step(Database& db, std::int64_t max_events, std::int64_t max_hours,
                               WriterPriority* priority) {
  SummaryProgress p;
  p.after_id = summary_after_id(db);
  // Dirty hours: each recomputed whole from the events the summary covers.
  {
    Statement dirty(db, "SELECT hour FROM summary_dirty ORDER BY hour LIMIT ?");
    dirty.bind(1, max_hours);
    std::vector<std::int64_t> hours;
    while (dirty.step()) hours.push_back(dirty.int64(0));
    for (auto hour : hours) {
      const WriteLockHolder writing(priority);
      Transaction tx(db);
      const auto after = summary_after_id(db);
      SummaryCells cells;
      Statement read(db, std::string("SELECT ") + SummaryCells::kColumns +
                             " FROM events WHERE time_ms >= ? AND time_ms < ? AND id <= ?");
      read.bind(1, hour * kHourMs);
      read.bind(2, (hour + 1) * kHourMs);
      read.bind(3, after);
      BackgroundSlice slice;
      while (read.step()) {
        slice.step();
        cells.add_row(read);
      }
      for (const char* table : {"summary_hours", "summary_people"}) {
        Statement drop(db,
                       std::string("DELETE FROM ") + table + " WHERE dimension = ? AND hour = ?");
        for (const char* d : kDimensionNames) {
          drop.reset();
          drop.bind_static(1, d);
          drop.bind(2, hour);
          drop.step();
        }
      }
      CellStore store(db);
      for (auto& [key, cell] : cells.cells()) {
        slice.step();
        store.write(key, cell);
      }
      Statement done(db, "DELETE FROM summary_dirty WHERE hour = ?");
      done.bind(1, hour);
      done.step();
      tx.commit();
      ++p.hours_recomputed;
    }
  }
  // New events: summed in memory, then merged into the stored cells in one transaction.
  SummaryCells cells;
  std::int64_t last_id = p.after_id;
  BackgroundSlice slice;
  {
    ReadTransaction snapshot(db);
    Statement newest(db, "SELECT IFNULL(max(id), 0) FROM events");
    newest.step();
    p.newest_id = newest.int64(0);
    Statement read(db, std::string("SELECT id, ") + SummaryCells::kColumns +
                           " FROM events WHERE id > ? ORDER BY id LIMIT ?");
    read.bind(1, p.after_id);
    read.bind(2, max_events);
    while (read.step()) {
      slice.step();
      last_id = read.int64(0);
      cells.add_row(read, 1);
    }
  }
  {
    Statement left(db, "SELECT count(*) FROM summary_dirty");
    left.step();
    p.dirty_hours = left.int64(0);
  }
  if (last_id == p.after_id) return p;
  const WriteLockHolder writing(priority);
  Transaction tx(db);
  if (summary_after_id(db) != p.after_id) return p;  // another process summarized meanwhile
  CellStore store(db);
  for (auto& [key, cell] : cells.cells()) {
    slice.step();
    store.merge_stored_counts(key, cell);
    store.write_counts(key, cell);
    if (keeps_people(std::get<0>(key))) store.append_people(key, cell);
  }
  Statement cursor(db, "UPDATE counters SET value = ? WHERE name = 'summary_after_id'");
  cursor.bind(1, last_id);
  cursor.step();
  tx.commit();
  p.events = cells.events();
  p.after_id = last_id;
  return p;
}

}  // namespace linktrack::clicklog
