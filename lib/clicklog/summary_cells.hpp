// The summary's cells (migrations/0006_summary.sql): what one hour of events comes to in each
// group of each dimension. The same code sums events for the summarizer (stored) and for a
// query's tail (events newer than the summary), so both count alike.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "clicklog/database.hpp"
#include "clicklog/people_sketch.hpp"
#include "util/named_enum.hpp"

namespace linktrack::clicklog {

// all: one group, ''. campaign: the id, "(none)" without one. link: campaign, 0x1F, link.
// host: as requested. reason: each of an event's reasons, "(none)" without. agent: the user
// agent of a machine's (suspect or bot) event.
#define LINKTRACK_SUMMARY_DIMENSIONS(X) X(all) X(campaign) X(link) X(host) X(reason) X(agent)
LINKTRACK_NAMED_ENUM(Dimension, LINKTRACK_SUMMARY_DIMENSIONS)

inline constexpr char kLinkSeparator = '\x1f';
inline constexpr std::int64_t kHourMs = 3600000;

// Counts by kind (click: redirects and app resolutions; open) and verdict (human — or not yet
// judged —, suspect, bot), in this order.
enum CountIndex { human_clicks, suspect_clicks, bot_clicks, human_opens, suspect_opens, bot_opens };

struct Cell {
  std::array<std::int64_t, 6> counts{};
  std::optional<std::int64_t> last_click_ms;
  std::optional<std::string> detail;  // link: its destination
  PeopleSketch clickers, openers;     // all, campaign, link and host only: people's
  void merge(const Cell& other);
  void merge_counts(const Cell& other);  // all but the people
};

using CellKey = std::tuple<Dimension, std::string, std::int64_t>;  // dimension, value, hour

// CellKey's order, also for a key whose value is a view: a row's cells are found without
// making a string for each (five or more a row, on the core the clicks share).
struct CellKeyLess {
  using is_transparent = void;
  using View = std::tuple<Dimension, std::string_view, std::int64_t>;
  static View view(const CellKey& k) { return {std::get<0>(k), std::get<1>(k), std::get<2>(k)}; }
  static const View& view(const View& k) { return k; }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return view(a) < view(b);
  }
};

class SummaryCells {
 public:
  // The events' columns add_row() reads, in order, for SELECT lists.
  static constexpr const char* kColumns =
      "time_ms, kind, host, campaign, link, destination, recipient, client_ip, user_agent, "
      "verdict, reasons";
  // One event: kColumns in order from `first_column` of the row.
  void add_row(const Statement& row, int first_column = 0);
  std::map<CellKey, Cell, CellKeyLess>& cells() { return cells_; }
  std::int64_t events() const { return events_; }

 private:
  std::map<CellKey, Cell, CellKeyLess> cells_;
  std::int64_t events_ = 0;
  std::string link_key_;  // a row's link cell key, made in place row after row
};

// A cell's counts as stored (summary_hours), from `row`'s kStoredColumns at `first_column`.
inline constexpr const char* kStoredColumns =
    "clicks, suspect_clicks, bot_clicks, opens, suspect_opens, bot_opens, last_click_ms, detail";
Cell stored_cell(const Statement& row, int first_column);
// Its people as stored (summary_people: clickers, openers), into `cell`.
void add_stored_people(Cell& cell, const Statement& row, int first_column);
// The dimensions whose groups keep their people.
constexpr bool keeps_people(Dimension d) {
  return d == Dimension::all || d == Dimension::campaign || d == Dimension::link ||
         d == Dimension::host;
}

}  // namespace linktrack::clicklog
