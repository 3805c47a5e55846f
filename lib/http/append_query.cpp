#include "http/append_query.hpp"

#include <boost/url/url.hpp>

#include "net/destination.hpp"

namespace linktrack::http {

std::optional<std::string> append_query(
    boost::urls::url_view destination,
    const std::vector<std::pair<std::string, std::string>>& params) {
  if (params.empty()) return std::string(destination.buffer());
  boost::urls::url u(destination);
  if (u.has_query() && u.encoded_query().empty()) u.remove_query();  // "?" alone: no "?&"
  auto query = u.params();
  for (const auto& [name, value] : params) {
    if (!query.contains(name)) query.append({name, value});
  }
  if (u.buffer().size() > net::kMaxDestinationBytes) return std::nullopt;
  return std::string(u.buffer());
}

}  // namespace linktrack::http
