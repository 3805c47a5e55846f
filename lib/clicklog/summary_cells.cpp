#include "clicklog/summary_cells.hpp"

#include <algorithm>

#include "clicklog/person.hpp"

namespace linktrack::clicklog {

void Cell::merge_counts(const Cell& o) {
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += o.counts[i];
  if (o.last_click_ms) last_click_ms = std::max(last_click_ms.value_or(0), *o.last_click_ms);
  if (!detail && o.detail) detail = o.detail;
}

void Cell::merge(const Cell& o) {
  merge_counts(o);
  clickers.merge(o.clickers);
  openers.merge(o.openers);
}

void SummaryCells::add_row(const Statement& r, int f) {
  ++events_;
  const std::int64_t time_ms = r.int64(f + 0);
  const std::int64_t hour = time_ms >= 0 ? time_ms / kHourMs : (time_ms - kHourMs + 1) / kHourMs;
  const bool open = r.text_view(f + 1) == "open";
  const auto verdict = r.text_view(f + 9);
  const int v = verdict == "suspect" ? 1 : verdict == "bot" ? 2 : 0;  // else human or unjudged
  const std::size_t count = (open ? 3 : 0) + static_cast<std::size_t>(v);
  const std::string_view campaign = r.is_null(f + 3) ? "(none)" : r.text_view(f + 3);
  const std::uint64_t person = v == 0 ? person_hash(r.text_view(f + 6), !r.is_null(f + 6),
                                                    r.text_view(f + 7), r.text_view(f + 8))
                                      : 0;
  auto put = [&](Dimension d, std::string_view value, bool people) -> Cell& {
    auto it = cells_.find(CellKeyLess::View{d, value, hour});
    if (it == cells_.end()) it = cells_.emplace(CellKey{d, std::string(value), hour}, Cell{}).first;
    Cell& c = it->second;
    ++c.counts[count];
    if (!open) c.last_click_ms = std::max(c.last_click_ms.value_or(time_ms), time_ms);
    if (people && v == 0) (open ? c.openers : c.clickers).add(person);
    return c;
  };
  put(Dimension::all, "", keeps_people(Dimension::all));
  put(Dimension::campaign, campaign, keeps_people(Dimension::campaign));
  link_key_.assign(campaign).push_back(kLinkSeparator);
  link_key_.append(r.is_null(f + 4) ? std::string_view("(none)") : r.text_view(f + 4));
  Cell& link = put(Dimension::link, link_key_, keeps_people(Dimension::link));
  if (!link.detail && !r.is_null(f + 5)) link.detail = std::string(r.text_view(f + 5));
  put(Dimension::host, r.text_view(f + 2), keeps_people(Dimension::host));
  auto reasons = r.text_view(f + 10);
  bool any = false;
  while (!reasons.empty()) {
    const auto end = reasons.find(' ');
    const auto reason = reasons.substr(0, end);
    if (!reason.empty()) {
      put(Dimension::reason, reason, false);
      any = true;
    }
    reasons = end == std::string_view::npos ? std::string_view() : reasons.substr(end + 1);
  }
  if (!any) put(Dimension::reason, "(none)", false);
  if (v != 0)
    put(Dimension::agent, r.is_null(f + 8) ? std::string_view("(none)") : r.text_view(f + 8),
        false);
}

Cell stored_cell(const Statement& r, int c) {
  Cell cell;
  for (int i = 0; i < 6; ++i) cell.counts[static_cast<std::size_t>(i)] = r.int64(c + i);
  if (!r.is_null(c + 6)) cell.last_click_ms = r.int64(c + 6);
  if (!r.is_null(c + 7)) cell.detail = std::string(r.text_view(c + 7));
  return cell;
}

void add_stored_people(Cell& cell, const Statement& r, int c) {
  cell.clickers.merge_stored(r.blob_view(c));
  cell.openers.merge_stored(r.blob_view(c + 1));
}

}  // namespace linktrack::clicklog
