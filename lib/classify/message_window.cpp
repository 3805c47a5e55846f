#include "classify/message_window.hpp"

#include <algorithm>
#include <array>

namespace linktrack::classify {

std::int64_t MessageWindow::reach_ms() const {
  return std::max(signals_.burst_window_s, signals_.honeypot_window_s) * 1000;
}

MessageWindow::Added MessageWindow::add(const WindowEvent& e) {
  Added out;
  out.changed.push_back(e.id);
  if (e.message.empty()) return out;
  std::string key = e.message;
  key.push_back('\0');
  key += e.network;
  auto& group = groups_[key];
  const Entry entry{e.id, e.time_ms, std::hash<std::string>{}(e.link), e.honeypot};
  const std::int64_t burst_ms = signals_.burst_window_s * 1000;
  // Only a honeypot, or a link not yet clicked around it, changes what the others show; a link
  // clicked again (a replayed token) changes nothing for them.
  const bool new_link =
      !e.honeypot && std::none_of(group.events.begin(), group.events.end(), [&](const auto& o) {
        return !o.honeypot && o.link == entry.link && std::abs(o.time_ms - e.time_ms) <= burst_ms;
      });
  for (const auto& o : group.events) {
    const auto gap = std::abs(o.time_ms - e.time_ms);
    if ((e.honeypot && gap <= signals_.honeypot_window_s * 1000) || (new_link && gap <= burst_ms))
      out.changed.push_back(o.id);
  }
  group.events.push_back(entry);
  group.newest_ms = std::max(group.newest_ms, e.time_ms);
  where_[e.id] = &group;
  while (group.events.size() > kGroupEvents) {
    where_.erase(group.events.front().id);
    out.forgotten.push_back(group.events.front().id);
    group.events.pop_front();
  }
  return out;
}

MessageEvidence MessageWindow::evidence(std::int64_t id) const {
  MessageEvidence m;
  auto where = where_.find(id);
  if (where == where_.end()) return m;
  const auto& group = where->second->events;
  auto self = std::find_if(group.begin(), group.end(), [&](const auto& x) { return x.id == id; });
  // At most kGroupEvents links: a small array, no allocation.
  std::array<std::uint64_t, kGroupEvents> links{};
  std::size_t distinct = 0;
  for (const auto& other : group) {
    const auto gap = std::abs(other.time_ms - self->time_ms);
    if (other.honeypot) {
      if (other.id != id && gap <= signals_.honeypot_window_s * 1000) m.honeypot_near = true;
    } else if (gap <= signals_.burst_window_s * 1000) {
      if (std::find(links.begin(), links.begin() + distinct, other.link) ==
          links.begin() + distinct)
        links[distinct++] = other.link;
    }
  }
  if (!self->honeypot) m.burst_links = static_cast<int>(distinct);
  return m;
}

void MessageWindow::forget(Groups::iterator it, std::vector<std::int64_t>& out) {
  for (const auto& e : it->second.events) {
    where_.erase(e.id);
    out.push_back(e.id);
  }
  groups_.erase(it);
}

std::vector<std::int64_t> MessageWindow::expire(std::int64_t now_ms) {
  std::vector<std::int64_t> forgotten;
  std::int64_t cutoff = now_ms - reach_ms();
  for (;;) {
    for (auto it = groups_.begin(); it != groups_.end();) {
      auto next = std::next(it);
      if (it->second.newest_ms < cutoff) forget(it, forgotten);
      it = next;
    }
    if (where_.size() <= max_events_ || cutoff >= now_ms) break;
    // Over the bound: the quieter half of the reach goes too, until it fits.
    cutoff += std::max<std::int64_t>((now_ms - cutoff) / 2, 1);
  }
  return forgotten;
}

}  // namespace linktrack::classify
