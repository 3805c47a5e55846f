// Adds the domain's append_query parameters to a destination.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/destination.hpp"

namespace linktrack::http {

// A domain's parameters, encoded once (when the config is loaded) as Boost.URL's
// params().append() encodes them: each as its name and its "name=value" text.
struct QueryParams {
  struct Param {
    std::string name;
    std::string encoded;
  };
  std::vector<Param> params;
  static QueryParams of(const std::vector<std::pair<std::string, std::string>>& params);
};

// The destination with each parameter added unless the destination already has it (its own
// parameters win, compared by their decoded names as Boost.URL's params().contains() does);
// the fragment stays last. `destination` has passed destination_problem(); the parameters are
// encoded, so the result passes it too unless it grew past the size limit, in which case this
// is nullopt. Text rather than a Boost.URL url: copying the destination into one and editing
// its parameters was a twentieth of a click's instructions.
std::optional<std::string> append_query(const net::Destination& destination,
                                        const QueryParams& params);

}  // namespace linktrack::http
