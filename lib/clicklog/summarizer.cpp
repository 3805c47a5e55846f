#include "clicklog/summarizer.hpp"

#include <string>

#include "clicklog/background_slice.hpp"
#include "clicklog/summary_cells.hpp"

namespace linktrack::clicklog {
namespace {

constexpr int kSummarySchema = 6;

// Reads and writes stored cells: counts in summary_hours, people in summary_people.
struct CellStore {
  explicit CellStore(Database& db)
      : counts(db,
               "INSERT OR REPLACE INTO summary_hours (dimension, hour, value, clicks, "
               "suspect_clicks, bot_clicks, opens, suspect_opens, bot_opens, last_click_ms, "
               "detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
        people(db,
               "INSERT OR REPLACE INTO summary_people (dimension, hour, value, clickers, openers) "
               "VALUES (?,?,?,?,?)"),
        find_counts(db, std::string("SELECT ") + kStoredColumns +
                            " FROM summary_hours WHERE dimension = ? AND hour = ? AND value = ?"),
        find_people(db,
                    "SELECT clickers, openers FROM summary_people WHERE dimension = ? AND "
                    "hour = ? AND value = ?") {}

  static void bind_key(Statement& s, const CellKey& key) {
    s.reset();
    s.bind_static(1, to_string(std::get<0>(key)));
    s.bind(2, std::get<2>(key));
    s.bind_static(3, std::get<1>(key));
  }

  // The stored cell merged into `cell`, when there is one.
  void merge_stored(const CellKey& key, Cell& cell) {
    bind_key(find_counts, key);
    if (!find_counts.step()) return;
    Cell stored = stored_cell(find_counts, 0);
    if (keeps_people(std::get<0>(key))) {
      bind_key(find_people, key);
      if (find_people.step()) add_stored_people(stored, find_people, 0);
    }
    stored.merge(cell);
    cell = std::move(stored);
  }

  void write(const CellKey& key, Cell& c) {
    bind_key(counts, key);
    for (int i = 0; i < 6; ++i) counts.bind(4 + i, c.counts[static_cast<std::size_t>(i)]);
    if (c.last_click_ms)
      counts.bind(10, *c.last_click_ms);
    else
      counts.bind_null(10);
    counts.bind_static(11, c.detail);
    counts.step();
    if (!keeps_people(std::get<0>(key))) return;
    const auto clickers = c.clickers.serialize(), openers = c.openers.serialize();
    if (clickers.empty() && openers.empty()) return;
    bind_key(people, key);
    people.bind_blob(4, clickers);
    people.bind_blob(5, openers);
    people.step();
  }

  Statement counts, people, find_counts, find_people;
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
  if (last_id == p.after_id) return p;
  const WriteLockHolder writing(priority);
  Transaction tx(db);
  if (summary_after_id(db) != p.after_id) return p;  // another process summarized meanwhile
  CellStore store(db);
  for (auto& [key, cell] : cells.cells()) {
    slice.step();
    store.merge_stored(key, cell);
    store.write(key, cell);
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
