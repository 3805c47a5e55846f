// Pieces of HTML the pages share: escaping and how numbers read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linktrack::ui {

// Text or an attribute value, safe inside HTML (& < > " ').
std::string escape(std::string_view text);
// 1234567 → "1,234,567".
std::string count(std::int64_t n);
// 0.1234 → "12.3%"; none → "–".
std::string percent(std::optional<double> share);
// part / whole as a share; none when whole is 0.
std::optional<double> share(std::int64_t part, std::int64_t whole);
// Text for a <script type="application/json"> block: JSON with "<" escaped, so no "</script>"
// inside a value can end the block.
std::string json_block(std::string_view json);

}  // namespace linktrack::ui
