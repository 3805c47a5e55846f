#include "ui/request.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace linktrack::ui {

Params::Params(std::string_view encoded) {
  if (encoded.empty()) return;
  auto parsed = boost::urls::parse_query(boost::core::string_view(encoded.data(), encoded.size()));
  if (!parsed) return;  // a malformed query reads as none
  // Decoded as HTML forms encode: '+' is a space.
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (const auto& p : *parsed)
    values_.emplace(p.key.decode(opts), p.has_value ? p.value.decode(opts) : std::string());
}

std::optional<std::string> Params::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Params::get_or(std::string_view name, std::string fallback) const {
  auto v = get(name);
  return v && !v->empty() ? *v : std::move(fallback);
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string_view query_of(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    auto pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

std::string url_encode(std::string_view value) {
  return boost::urls::encode(value, boost::urls::unreserved_chars);
}

}  // namespace linktrack::ui
