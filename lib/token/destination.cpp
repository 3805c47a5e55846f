#include "token/destination.hpp"

#include <boost/url/parse.hpp>

namespace linktrack::token {

std::optional<std::string> destination_problem(std::string_view url) {
  boost::urls::url_view parsed;
  return destination_problem(url, parsed);
}

std::optional<std::string> destination_problem(std::string_view url,
                                               boost::urls::url_view& parsed_url) {
  if (url.empty()) return "the URL is empty";
  if (url.size() > kMaxDestinationBytes)
    return "the URL is longer than " + std::to_string(kMaxDestinationBytes) + " bytes";
  for (unsigned char c : url) {
    if (c < 0x20 || c == 0x7f) return "the URL contains a control character";
    if (c == ' ') return "the URL contains a space (percent-encode it as %20)";
    if (c >= 0x80) return "the URL contains non-ASCII bytes (percent-encode them)";
  }
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return "not an absolute URL";
  auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
    return "only http and https URLs are allowed";
  if (!parsed->has_authority() || parsed->encoded_host().empty()) return "the URL has no host";
  if (parsed->has_userinfo()) return "user:password@ in a URL is not allowed";
  parsed_url = *parsed;
  return std::nullopt;
}

}  // namespace linktrack::token
