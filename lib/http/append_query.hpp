// Adds the domain's append_query parameters to a destination.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace linktrack::http {

// The destination with each parameter added unless the destination already has it (its own
// parameters win); the fragment stays last. nullopt if the URL does not parse.
std::optional<std::string> append_query(
    const std::string& destination, const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace linktrack::http
