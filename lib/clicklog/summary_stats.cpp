#include "clicklog/summary_stats.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <limits>

#include "clicklog/summarizer.hpp"
#include "clicklog/summary_cells.hpp"

namespace linktrack::clicklog {
namespace {

// A group's people are counted exactly up to this many, estimated beyond: sorting more hashes
// than this for each of hundreds of groups is what made a month's stats by campaign take
// seconds on a 10-million-event log.
constexpr std::size_t kExactPeople = 10000;

// Exact answers read the events the summary does not hold yet (newer than its cursor, or in
// hours to recompute) one by one: beyond this many, reading every event is as quick.
constexpr std::int64_t kExactTailEvents = 1000000;
constexpr std::int64_t kExactDirtyHours = 48;

std::int64_t floor_hour(std::int64_t ms) {
  return ms >= 0 ? ms / kHourMs : (ms - kHourMs + 1) / kHourMs;
}

std::string hour_text(std::int64_t hour, bool day_only) {
  using namespace std::chrono;
  const sys_seconds t{seconds{hour * 3600}};
  const auto days = floor<std::chrono::days>(t);
  const year_month_day ymd{days};
  const auto h = duration_cast<hours>(t - days).count();
  auto text = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                          static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return day_only ? text : text + fmt::format("T{:02}", h);
}

struct Plan {
  Dimension dimension = Dimension::all;
  std::optional<std::string> value;         // exactly this group
  std::optional<std::string> value_prefix;  // groups starting so (a campaign's links)
};

std::optional<Plan> plan(const StatsQuery& q) {
  Plan p;
  if (q.host) {  // one domain's cells, when nothing but time divides them further
    if (q.campaign || !(q.by == GroupBy::none || q.by == GroupBy::hour || q.by == GroupBy::day ||
                        q.by == GroupBy::verdict || q.by == GroupBy::domain))
      return std::nullopt;
    p.dimension = Dimension::host;
    p.value = *q.host;
    return p;
  }
  switch (q.by) {
    case GroupBy::none:
    case GroupBy::hour:
    case GroupBy::day:
    case GroupBy::verdict:
      if (q.campaign) {
        if (q.by == GroupBy::verdict) return std::nullopt;
        p.dimension = Dimension::campaign;
        p.value = *q.campaign;
      }
      return p;
    case GroupBy::link:
      p.dimension = Dimension::link;
      if (q.campaign) p.value_prefix = *q.campaign + kLinkSeparator;
      return p;
    case GroupBy::campaign:
      p.dimension = Dimension::campaign;
      break;
    case GroupBy::domain:
      p.dimension = Dimension::host;
      break;
    case GroupBy::reason:
      p.dimension = Dimension::reason;
      break;
    case GroupBy::user_agent:
      p.dimension = Dimension::agent;
      break;
  }
  if (q.campaign) return std::nullopt;
  return p;
}

bool wanted(const Plan& p, Dimension d, const std::string& value) {
  if (d != p.dimension) return false;
  if (p.value && value != *p.value) return false;
  if (p.value_prefix && !value.starts_with(*p.value_prefix)) return false;
  return true;
}

std::string group_of(const StatsQuery& q, const std::string& value, std::int64_t hour) {
  switch (q.by) {
    case GroupBy::none:
      return "total";
    case GroupBy::hour:
      return hour_text(hour, false);
    case GroupBy::day:
      return hour_text(hour, true);
    case GroupBy::link:
      return value.substr(value.find(kLinkSeparator) + 1);
    default:
      return value;
  }
}

// Exact answers are for groups whose people the summary keeps: by link only within one
// campaign, where each link's destination (its first event's) is one short look-up.
bool exact_answer_possible(const StatsQuery& q) {
  return q.by == GroupBy::none || q.by == GroupBy::day || q.by == GroupBy::hour ||
         q.by == GroupBy::campaign || q.by == GroupBy::domain ||
         (q.by == GroupBy::link && q.campaign);
}

}  // namespace

std::optional<SummaryStats> query_summary(Database& db, const StatsQuery& q, Precision precision) {
  const bool exact = precision == Precision::exact;
  const auto p = plan(q);
  if (!p) return std::nullopt;
  if (schema_version(db) < (exact ? 7 : 6)) return std::nullopt;
  if (exact && !exact_answer_possible(q)) return std::nullopt;
  // The range, and the hours [from, to) the stored cells answer for: estimating, the range
  // rounded out to whole hours; exact, the whole hours inside it, and the events of the part
  // hours at either end read from the log.
  const std::int64_t lo_ms = q.since_ms.value_or(std::numeric_limits<int>::min() * kHourMs);
  const std::int64_t hi_ms = q.until_ms.value_or(std::numeric_limits<int>::max() * kHourMs);
  std::int64_t from = floor_hour(lo_ms), to = floor_hour(hi_ms + kHourMs - 1);
  std::vector<std::pair<std::int64_t, std::int64_t>> from_log;  // [ms, ms) read from events
  if (exact) {
    from = floor_hour(lo_ms + kHourMs - 1);
    to = std::max(from, floor_hour(hi_ms));
    if (from == to) {
      from_log.emplace_back(lo_ms, hi_ms);
    } else {
      if (lo_ms < from * kHourMs) from_log.emplace_back(lo_ms, from * kHourMs);
      if (to * kHourMs < hi_ms) from_log.emplace_back(to * kHourMs, hi_ms);
    }
  }
  std::map<std::string, Cell> groups;
  auto group = [&](std::string_view value, std::int64_t hour) -> Cell& {
    auto [it, fresh] = groups.try_emplace(group_of(q, std::string(value), hour));
    if (fresh && !exact) {
      it->second.clickers.allow_exact_up_to(kExactPeople);
      it->second.openers.allow_exact_up_to(kExactPeople);
    }
    return it->second;
  };
  auto take = [&](const std::string& value, std::int64_t hour, Cell&& cell) {
    group(value, hour).merge(cell);
  };
  // Events summed as the summarizer sums them, into the wanted groups.
  auto take_events = [&](Statement& events) {
    SummaryCells cells;
    while (events.step()) cells.add_row(events);
    for (auto& [key, cell] : cells.cells())
      if (wanted(*p, std::get<0>(key), std::get<1>(key)))
        take(std::get<1>(key), std::get<2>(key), std::move(cell));
  };
  {
    ReadTransaction snapshot(db);  // the stored hours and the tail from one state of the log
    const auto after = summary_after_id(db);
    // Exact: hours changed since they were summarized are read from their events instead.
    bool any_dirty = false;
    if (exact) {
      Statement newest(db, "SELECT IFNULL(max(id), 0) FROM events");
      newest.step();
      if (newest.int64(0) - after > kExactTailEvents) return std::nullopt;
      Statement d(db, "SELECT hour FROM summary_dirty WHERE hour >= ? AND hour < ?");
      d.bind(1, from);
      d.bind(2, to);
      std::int64_t dirty = 0;
      while (d.step()) {
        from_log.emplace_back(d.int64(0) * kHourMs, (d.int64(0) + 1) * kHourMs);
        ++dirty;
      }
      if (dirty > kExactDirtyHours) return std::nullopt;
      any_dirty = dirty > 0;
    }
    // A period of a dimension is a range of the primary key (dimension, hour, value); one
    // group's hours come through the index by (dimension, value, hour). Counts and people are
    // in two tables, read alike.
    auto read = [&](const char* table, const char* columns, const char* index, auto&& use) {
      std::string sql = std::string("SELECT value, hour, ") + columns + " FROM " + table +
                        (p->value || p->value_prefix ? std::string(" INDEXED BY ") + index : "") +
                        " WHERE dimension = ? AND hour >= ? AND hour < ?";
      if (any_dirty) sql += " AND hour NOT IN (SELECT hour FROM summary_dirty)";
      if (p->value) sql += " AND value = ?";
      if (p->value_prefix) sql += " AND value >= ? AND value < ?";
      Statement s(db, sql);
      s.bind_static(1, to_string(p->dimension));
      s.bind(2, from);
      s.bind(3, to);
      std::string upper;
      if (p->value) s.bind_static(4, *p->value);
      if (p->value_prefix) {
        upper = p->value_prefix->substr(0, p->value_prefix->size() - 1) +
                static_cast<char>(kLinkSeparator + 1);
        s.bind_static(4, *p->value_prefix);
        s.bind_static(5, upper);
      }
      while (s.step()) use(s);
    };
    read("summary_hours", kStoredColumns, "summary_hours_group", [&](const Statement& s) {
      take(std::string(s.text_view(0)), s.int64(1), stored_cell(s, 2));
    });
    if (q.people && keeps_people(p->dimension)) {
      if (exact) {  // room for each group's hashes at once: millions, for a whole log
        std::map<std::string, std::array<std::int64_t, 2>> room;
        read("summary_people", "length(clickers), length(openers)", "summary_people_group",
             [&](const Statement& s) {
               auto& r = room[group_of(q, std::string(s.text_view(0)), s.int64(1))];
               r[0] += s.int64(2) / 8;
               r[1] += s.int64(3) / 8;
             });
        for (const auto& [name, r] : room) {
          auto& c = groups[name];
          c.clickers.reserve(static_cast<std::size_t>(r[0]));
          c.openers.reserve(static_cast<std::size_t>(r[1]));
        }
      }
      // Estimating, the registers of a part that has them (clicklog/summarizer.cpp).
      read("summary_people",
           exact ? "clickers, openers"
                 : "IFNULL(clicker_registers, clickers), IFNULL(opener_registers, openers)",
           "summary_people_group",
           [&](const Statement& s) { add_stored_people(group(s.text_view(0), s.int64(1)), s, 2); });
    }
    // By id, never the time or campaign index ('+' keeps SQLite off them): the tail is the
    // newest few events, while the range may hold millions.
    std::string tail = std::string("SELECT ") + SummaryCells::kColumns +
                       " FROM events WHERE id > ? AND +time_ms >= ? AND +time_ms < ?";
    if (q.campaign) tail += " AND +campaign = ?";
    Statement t(db, tail);
    t.bind(1, after);
    t.bind(2, exact ? lo_ms : from * kHourMs);
    t.bind(3, exact ? hi_ms : to * kHourMs);
    if (q.campaign) t.bind_static(4, *q.campaign);
    take_events(t);
    for (const auto& [begin, end] : from_log) {
      Statement h(db, std::string("SELECT ") + SummaryCells::kColumns +
                          " FROM events WHERE time_ms >= ? AND time_ms < ? AND id <= ?" +
                          (q.campaign ? " AND campaign = ?" : ""));
      h.bind(1, begin);
      h.bind(2, end);
      h.bind(3, after);
      if (q.campaign) h.bind_static(4, *q.campaign);
      take_events(h);
    }
    // By link, a link's destination is the one of its first event in time that has one, as
    // reading every event meets them (the campaign's index: by time, then id).
    if (exact && q.by == GroupBy::link) {
      Statement first(db,
                      "SELECT destination FROM events WHERE campaign = ? AND time_ms >= ? AND "
                      "time_ms < ? AND IFNULL(link, '(none)') = ? AND destination IS NOT NULL "
                      "ORDER BY time_ms, id LIMIT 1");
      for (auto& [link, cell] : groups) {
        first.reset();
        first.bind_static(1, *q.campaign);
        first.bind(2, lo_ms);
        first.bind(3, hi_ms);
        first.bind_static(4, link);
        cell.detail = first.step() ? std::optional(first.text(0)) : std::nullopt;
      }
    }
  }
  SummaryStats out;
  const bool by_machine = q.by == GroupBy::verdict || q.by == GroupBy::reason;
  for (auto& [group, c] : groups) {
    const auto& n = c.counts;
    if (q.by == GroupBy::verdict) {
      const char* names[] = {"human", "suspect", "bot"};
      for (std::size_t v = 0; v < 3; ++v) {
        if (n[v] + n[3 + v] == 0) continue;
        StatsRow r;
        r.group = names[v];
        r.clicks = n[v];
        r.opens = n[3 + v];
        if (v == 0) {
          r.unique_clicks = c.clickers.estimate();
          r.unique_opens = c.openers.estimate();
        }
        out.rows.push_back(std::move(r));
      }
      continue;
    }
    StatsRow r;
    r.group = group;
    if (by_machine) {  // each group counts all its events
      r.clicks = n[0] + n[1] + n[2];
      r.opens = n[3] + n[4] + n[5];
    } else {
      r.clicks = n[human_clicks];
      r.opens = n[human_opens];
      r.suspect_clicks = n[suspect_clicks];
      r.bot_clicks = n[bot_clicks];
      r.suspect_opens = n[suspect_opens];
      r.bot_opens = n[bot_opens];
      r.unique_clicks = c.clickers.estimate();
      r.unique_opens = c.openers.estimate();
    }
    if (q.by == GroupBy::link) r.destination = c.detail;
    out.exact = out.exact && c.clickers.exact() && c.openers.exact();
    out.rows.push_back(std::move(r));
  }
  if (q.by == GroupBy::verdict)  // as query_stats orders them: by name
    std::sort(out.rows.begin(), out.rows.end(),
              [](const auto& a, const auto& b) { return a.group < b.group; });
  complete_stats(out.rows, q.by);
  return out;
}

std::map<std::string, std::int64_t> last_clicks(Database& db) {
  std::map<std::string, std::int64_t> out;
  ReadTransaction snapshot(db);
  Statement s(db,
              "SELECT value, max(last_click_ms) FROM summary_hours WHERE dimension = 'host' AND "
              "last_click_ms IS NOT NULL GROUP BY value");
  while (s.step()) out[std::string(s.text_view(0))] = s.int64(1);
  Statement t(db,
              "SELECT host, max(time_ms) FROM events WHERE id > ? AND kind <> 'open' GROUP BY "
              "host");
  t.bind(1, summary_after_id(db));
  while (t.step()) {
    auto& v = out[std::string(t.text_view(0))];
    v = std::max(v, t.int64(1));
  }
  return out;
}

}  // namespace linktrack::clicklog
