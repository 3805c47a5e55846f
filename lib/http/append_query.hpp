// Adds the domain's append_query parameters to a destination.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/url/url_view.hpp>

namespace linktrack::http {

// The destination with each parameter added unless the destination already has it (its own
// parameters win); the fragment stays last. `destination` has passed destination_problem();
// parameters are percent-encoded as they are added, so the result passes it too unless it grew
// past the size limit, in which case this is nullopt.
std::optional<std::string> append_query(
    boost::urls::url_view destination,
    const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace linktrack::http
