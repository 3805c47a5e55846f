// append_query as Boost.URL's params() would do it: the reference that linktrack's text edit
// (http/append_query.hpp) is held to, by fuzz_destination and by the unit tests.
#pragma once

#include <boost/url/url.hpp>
#include <string>
#include <utility>
#include <vector>

namespace linktrack::reference {

inline std::string boost_append_query(
    boost::urls::url_view destination,
    const std::vector<std::pair<std::string, std::string>>& params) {
  boost::urls::url u(destination);
  if (u.has_query() && u.encoded_query().empty()) u.remove_query();  // "?" alone: no "?&"
  auto query = u.params();
  for (const auto& [name, value] : params)
    if (!query.contains(name)) query.append({name, value});
  return std::string(u.buffer());
}

}  // namespace linktrack::reference
