#include "ui/assets.hpp"

#include <string>

namespace linktrack::ui {

std::string_view chartjs_version() {
  static const std::string version = [] {
    const std::string_view text(chartjs_min());
    const auto at = text.find("Chart.js v");
    if (at == std::string_view::npos) return std::string("(unknown version)");
    const auto start = at + 10;
    auto end = start;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.'))
      ++end;
    return std::string(text.substr(start, end - start));
  }();
  return version;
}

}  // namespace linktrack::ui
