#include "config/diagnostics.hpp"

#include <algorithm>

namespace linktrack::config {

Position SourceMap::find(const std::string& path) const {
  std::string p = path;
  while (true) {
    if (auto it = positions_.find(p); it != positions_.end()) return it->second;
    auto cut = p.find_last_of(".[");
    if (cut == std::string::npos || cut == 0) break;
    p.resize(cut);
  }
  if (auto it = positions_.find(""); it != positions_.end()) return it->second;
  return {};
}

void Diagnostics::error(const std::string& key, std::string message) {
  Position pos = map_ ? map_->find(key) : Position{};
  error_at(pos, key, std::move(message));
}

void Diagnostics::error_at(Position pos, const std::string& key, std::string message) {
  errors_.push_back({pos, key, std::move(message)});
}

void Diagnostics::warning(const std::string& key, std::string message) {
  warnings_.push_back({map_ ? map_->find(key) : Position{}, key, std::move(message)});
}

std::vector<std::string> Diagnostics::format(const std::vector<ConfigError>& list,
                                             const std::string& prefix) const {
  std::vector<ConfigError> sorted = list;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    if (a.position.line != b.position.line) return a.position.line < b.position.line;
    return a.position.column < b.position.column;
  });
  std::vector<std::string> out;
  for (const auto& e : sorted) {
    out.push_back(file_ + ":" + std::to_string(e.position.line) + ":" +
                  std::to_string(e.position.column) + ": " + (e.key.empty() ? "(file)" : e.key) +
                  ": " + prefix + e.message);
  }
  return out;
}

}  // namespace linktrack::config
