// Suggests the closest known word for a misspelt key.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linktrack::util {

std::size_t edit_distance(std::string_view a, std::string_view b);
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& known);

}  // namespace linktrack::util
