#include "util/json_text.hpp"

#include <boost/json/stream_parser.hpp>

namespace linktrack::util {

boost::json::value parse_json(std::string_view text) {
  boost::json::stream_parser parser;
  boost::json::error_code ec;
  const std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (ec) throw JsonSyntaxError(used, ec.message());
  const auto rest = text.find_first_not_of(" \t\r\n", used);
  if (rest != std::string_view::npos) throw JsonSyntaxError(rest, "more text after the JSON value");
  parser.finish(ec);
  if (ec) throw JsonSyntaxError(text.size(), ec.message());
  return parser.release();
}

}  // namespace linktrack::util
