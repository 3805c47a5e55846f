#include "http/append_query.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace linktrack::http {

std::optional<std::string> append_query(
    const std::string& destination,
    const std::vector<std::pair<std::string, std::string>>& params) {
  if (params.empty()) return destination;
  auto parsed = boost::urls::parse_uri(destination);
  if (!parsed) return std::nullopt;
  boost::urls::url u(*parsed);
  auto query = u.params();
  for (const auto& [name, value] : params) {
    if (!query.contains(name)) query.append({name, value});
  }
  return std::string(u.buffer());
}

}  // namespace linktrack::http
