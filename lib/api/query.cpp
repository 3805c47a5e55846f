#include "api/query.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "api/error.hpp"
#include "util/time_text.hpp"
#include "util/utf8.hpp"

namespace linktrack::api {

QueryParams::QueryParams(std::string_view query, std::string_view allowed) {
  if (query.empty()) return;
  // A NUL-terminated copy: Boost.URL's parse_query (1.81, boostorg/url#946) runs strlen over
  // its input in places, which would read past a view into a larger buffer.
  const std::string text(query);
  auto parsed = boost::urls::parse_query(text);
  if (!parsed) throw bad_request("the query string is not valid: " + parsed.error().message());
  for (const auto& p : boost::urls::params_view(*parsed)) {
    const std::string& key = p.key;
    bool known = false;
    for (std::size_t at = 0; at < allowed.size();) {
      auto end = allowed.find(' ', at);
      if (end == std::string_view::npos) end = allowed.size();
      known = known || allowed.substr(at, end - at) == key;
      at = end + 1;
    }
    if (!known)
      throw bad_request("unknown query parameter '" + key + "'" +
                        (allowed.empty() ? std::string(" (this endpoint takes none)")
                                         : " (known: " + std::string(allowed) + ")"));
    if (!util::is_utf8(p.value)) throw bad_request("'" + key + "' is not UTF-8");
    if (!values_.emplace(key, p.value).second)
      throw bad_request("query parameter '" + key + "' is given more than once");
  }
}

std::optional<std::string> QueryParams::text(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> QueryParams::integer(std::string_view name, std::int64_t min,
                                                 std::int64_t max) const {
  auto v = text(name);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max)
    throw bad_request("'" + std::string(name) + "' must be a whole number from " +
                      std::to_string(min) + " to " + std::to_string(max));
  return n;
}

bool QueryParams::flag(std::string_view name) const {
  auto v = text(name);
  if (!v) return false;
  if (v->empty() || *v == "1" || *v == "true" || *v == "yes") return true;
  if (*v == "0" || *v == "false" || *v == "no") return false;
  throw bad_request("'" + std::string(name) + "' must be 1 or 0 (true or false)");
}

std::optional<std::int64_t> QueryParams::time(std::string_view name, std::int64_t now_ms) const {
  auto v = text(name);
  if (!v) return std::nullopt;
  if (auto ms = util::parse_time_bound_ms(*v, now_ms)) return ms;
  throw bad_request("'" + std::string(name) + "' wants " + util::kTimeBoundHelp);
}

}  // namespace linktrack::api
