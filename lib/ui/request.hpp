// A dashboard request as the admin listener hands it over, and what it carries: query or form
// parameters (decoded with Boost.URL) and cookies.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace linktrack::ui {

struct UiRequest {
  std::string_view method;
  std::string_view target;  // path and query
  std::string_view host;    // the Host header
  std::string_view origin;  // the Origin header, empty when absent
  std::string_view cookie;  // the Cookie header(s)
  std::string_view content_type;
  std::string_view body;
  bool tls = false;  // the admin listener speaks HTTPS
};

// Decoded name=value pairs of a query string or an application/x-www-form-urlencoded body; a
// repeated name keeps its first value.
class Params {
 public:
  Params() = default;
  explicit Params(std::string_view encoded);
  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string fallback) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

std::string_view path_of(std::string_view target);
std::string_view query_of(std::string_view target);

// The value of one cookie in a Cookie header (RFC 6265 §5.4: "a=1; b=2").
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name);

// Percent-encodes a query value.
std::string url_encode(std::string_view value);

}  // namespace linktrack::ui
