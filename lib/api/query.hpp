// A request's query string against the parameters its endpoint takes (routes.hpp): decoded
// (Boost.URL), and refused when a parameter is unknown, given twice or not UTF-8 — a typo'd
// filter silently ignored would return the wrong numbers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace linktrack::api {

class QueryParams {
 public:
  // Throws ApiError (400) naming the parameter.
  QueryParams(std::string_view query, std::string_view allowed);

  std::optional<std::string> text(std::string_view name) const;
  // A whole number in [min, max]; throws ApiError (400) otherwise.
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min,
                                      std::int64_t max) const;
  // 1/true/yes or 0/false/no (an empty value is true: "?open_pixel").
  bool flag(std::string_view name) const;
  // A span back from now_ms or an RFC 3339 time (util/time_text.hpp).
  std::optional<std::int64_t> time(std::string_view name, std::int64_t now_ms) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace linktrack::api
