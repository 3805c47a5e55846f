#include "classify/message_window.hpp"

#include <algorithm>
#include <set>

namespace linktrack::classify {

std::int64_t MessageWindow::reach_ms() const {
  return std::max(signals_.burst_window_s, signals_.honeypot_window_s) * 1000;
}

std::vector<std::int64_t> MessageWindow::add(const WindowEvent& e) {
  if (e.message.empty()) return {e.id};
  std::string key = e.message;
  key.push_back('\0');
  key += e.network;
  auto& group = groups_[key];
  group.push_back(e);
  where_[e.id] = key;
  // The events whose evidence this one can change: those within reach of it in time.
  std::vector<std::int64_t> changed;
  for (const auto& other : group)
    if (std::abs(other.time_ms - e.time_ms) <= reach_ms()) changed.push_back(other.id);
  std::sort(changed.begin(), changed.end());
  return changed;
}

MessageEvidence MessageWindow::evidence(std::int64_t id) const {
  MessageEvidence m;
  auto where = where_.find(id);
  if (where == where_.end()) return m;
  const auto& group = groups_.at(where->second);
  auto self = std::find_if(group.begin(), group.end(), [&](const auto& x) { return x.id == id; });
  std::set<std::string_view> links;
  for (const auto& other : group) {
    const auto gap = std::abs(other.time_ms - self->time_ms);
    if (other.honeypot) {
      if (other.id != id && gap <= signals_.honeypot_window_s * 1000) m.honeypot_near = true;
    } else if (gap <= signals_.burst_window_s * 1000) {
      links.insert(other.link);
    }
  }
  if (!self->honeypot) m.burst_links = static_cast<int>(links.size());
  return m;
}

std::vector<std::int64_t> MessageWindow::expire(std::int64_t now_ms) {
  std::vector<std::int64_t> forgotten;
  for (auto it = groups_.begin(); it != groups_.end();) {
    const auto newest =
        std::max_element(it->second.begin(), it->second.end(), [](const auto& a, const auto& b) {
          return a.time_ms < b.time_ms;
        })->time_ms;
    if (now_ms - newest > reach_ms()) {
      for (const auto& e : it->second) {
        where_.erase(e.id);
        forgotten.push_back(e.id);
      }
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  return forgotten;
}

}  // namespace linktrack::classify
