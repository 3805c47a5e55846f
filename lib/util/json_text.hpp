// JSON text read with Boost.JSON, with the byte where it stops being JSON in the error.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace linktrack::util {

class JsonSyntaxError : public std::runtime_error {
 public:
  JsonSyntaxError(std::size_t byte, const std::string& what)
      : std::runtime_error("not JSON at byte " + std::to_string(byte) + ": " + what), byte_(byte) {}
  std::size_t byte() const { return byte_; }

 private:
  std::size_t byte_;
};

// The whole text as one JSON value; throws JsonSyntaxError.
boost::json::value parse_json(std::string_view text);

}  // namespace linktrack::util
