#include "http/append_query.hpp"

#include <boost/url/url.hpp>

namespace linktrack::http {

QueryParams QueryParams::of(const std::vector<std::pair<std::string, std::string>>& params) {
  QueryParams out;
  for (const auto& [name, value] : params) {
    boost::urls::url u;
    u.params().append({name, value});
    out.params.push_back({name, std::string(u.encoded_query())});
  }
  return out;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether `key`, an encoded key as it stands in a query, decodes to `name`: %XX escapes only,
// as params().contains() compares ('+' stays itself).
bool key_is(std::string_view key, std::string_view name) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < key.size(); ++i, ++n) {
    char c = key[i];
    if (c == '%' && i + 2 < key.size() && hex_value(key[i + 1]) >= 0 &&
        hex_value(key[i + 2]) >= 0) {
      c = static_cast<char>(hex_value(key[i + 1]) * 16 + hex_value(key[i + 2]));
      i += 2;
    }
    if (n >= name.size() || name[n] != c) return false;
  }
  return n == name.size();
}

bool has_param(std::string_view query, std::string_view name) {
  while (true) {
    const auto amp = query.find('&');
    const auto param = query.substr(0, amp);
    if (key_is(param.substr(0, param.find('=')), name)) return true;
    if (amp == std::string_view::npos) return false;
    query.remove_prefix(amp + 1);
  }
}

}  // namespace

std::optional<std::string> append_query(const net::Destination& destination,
                                        const QueryParams& params) {
  const std::string_view location = destination.location;
  if (params.params.empty()) return std::string(location);
  const std::size_t end = std::min(destination.fragment, location.size());
  const std::size_t query_at = destination.query;
  const std::string_view query = query_at == std::string_view::npos
                                     ? std::string_view()
                                     : location.substr(query_at + 1, end - query_at - 1);
  std::string out(location.substr(0, end));
  // "?" alone is no parameter: the first added follows it without a "&".
  bool first = query.empty();
  if (query_at == std::string_view::npos) out.push_back('?');
  for (const auto& p : params.params) {
    if (!query.empty() && has_param(query, p.name)) continue;
    if (!first) out.push_back('&');
    out += p.encoded;
    first = false;
  }
  out.append(location.substr(end));
  if (out.size() > net::kMaxDestinationBytes) return std::nullopt;
  return out;
}

}  // namespace linktrack::http
