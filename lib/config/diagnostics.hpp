// Where each configured value came from, and the errors found in it.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace linktrack::config {

// Key paths as errors name them: "domains[0].tls.cert".
inline std::string key_child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
inline std::string key_item(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

struct Position {
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;
};

// Positions by key path ("domains[0].tls.cert"), so validation can name a line without
// knowing the file format.
class SourceMap {
 public:
  void set(const std::string& path, Position pos) { positions_[path] = pos; }
  // The position of the path, or of its nearest recorded parent.
  Position find(const std::string& path) const;
  bool has(const std::string& path) const { return positions_.count(path) != 0; }

 private:
  std::unordered_map<std::string, Position> positions_;
};

struct ConfigError {
  Position position;
  std::string key;  // the key path
  std::string message;
};

class Diagnostics {
 public:
  Diagnostics(std::string file, const SourceMap* map) : file_(std::move(file)), map_(map) {}
  void error(const std::string& key, std::string message);
  void error_at(Position pos, const std::string& key, std::string message);
  // Something that works but should not be so (a secret others can read): never refuses.
  void warning(const std::string& key, std::string message);
  const std::vector<ConfigError>& errors() const { return errors_; }
  bool ok() const { return errors_.empty(); }
  // "FILE:LINE:COL: KEY: message", one a line, in file order.
  std::vector<std::string> format() const { return format(errors_, ""); }
  // The same, each message starting with "warning: ".
  std::vector<std::string> format_warnings() const { return format(warnings_, "warning: "); }
  const std::string& file() const { return file_; }
  // "list[i]" when the file wrote a list there, else "list" (a single value was given).
  std::string item_key(const std::string& list, std::size_t i) const {
    std::string key = key_item(list, i);
    return map_ && map_->has(key) ? key : list;
  }

 private:
  std::vector<std::string> format(const std::vector<ConfigError>& list,
                                  const std::string& prefix) const;

  std::string file_;
  const SourceMap* map_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
};

}  // namespace linktrack::config
