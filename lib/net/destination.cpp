#include "net/destination.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include <boost/url/parse.hpp>

namespace linktrack::net {
namespace {

bool alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}
bool hex(char c) {
  return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 3986's characters, by where they may stand as they are: a table, as this runs on every
// click over the whole destination.
enum : std::uint8_t { kHostChar = 1, kPathChar = 2 };
constexpr std::array<std::uint8_t, 256> kClasses = [] {
  std::array<std::uint8_t, 256> t{};
  // unreserved and sub-delims: a host name, and any part after it
  for (unsigned char c : std::string_view("-._~!$&'()*+,;="
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789"))
    t[c] = kHostChar | kPathChar;
  t[':'] = t['@'] = t['/'] = kPathChar;  // pchar and segment separators
  return t;
}();
bool unreserved_or_sub_delim(char c) {
  return kClasses[static_cast<unsigned char>(c)] & kHostChar;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

// Where the path, query and fragment (`rest`, starting at '/', '?', '#' or empty) hold what RFC
// 3986 does not allow there: rest.size() when nothing. `problem` is set for what no encoding
// can keep meaning the same thing.
std::size_t first_to_encode(std::string_view rest, std::size_t from, bool& in_path,
                            bool& in_fragment, std::string& problem) {
  for (std::size_t i = from; i < rest.size(); ++i) {
    const char c = rest[i];
    if (kClasses[static_cast<unsigned char>(c)] & kPathChar) continue;
    if (c == '%' && i + 2 < rest.size() && hex(rest[i + 1]) && hex(rest[i + 2])) continue;
    if (c == '?' && !in_fragment) {
      in_path = false;
      continue;
    }
    if (c == '?') continue;
    if (c == '#' && !in_fragment) {
      in_path = false;
      in_fragment = true;
      continue;
    }
    if (c == '\\' && in_path) {
      problem = "the path contains a backslash, which browsers read as '/' (write '/' or %5C)";
      return rest.size();
    }
    return i;
  }
  return rest.size();
}

// Checks the authority (between "//" and the path); false with `problem` when it is refused.
bool authority_ok(std::string_view authority, std::string& problem) {
  if (authority.find('@') != std::string_view::npos) {
    problem = "user:password@ in a URL is not allowed";
    return false;
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      problem = "the host's IPv6 address has no closing ']'";
      return false;
    }
    host = authority.substr(0, close + 1);
    port = authority.substr(close + 1);
    if (!port.empty() && port.front() != ':') {
      problem = "unexpected characters after the host's IPv6 address";
      return false;
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon);
  }
  if (host.empty()) {
    problem = "the URL has no host";
    return false;
  }
  if (host.front() != '[') {
    for (std::size_t i = 0; i < host.size(); ++i) {
      const char c = host[i];
      if (unreserved_or_sub_delim(c)) continue;
      if (c == '%' && i + 2 < host.size() && hex(host[i + 1]) && hex(host[i + 2])) continue;
      problem = std::string("the host contains '") + c + "'";
      return false;
    }
  }
  if (!port.empty()) {
    port.remove_prefix(1);  // ':'
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), digit)) {
      problem = "the port '" + std::string(port) + "' is not a number from 0 to 65535";
      return false;
    }
    if (!port.empty() && std::stoul(std::string(port)) > 65535) {
      problem = "the port " + std::string(port) + " is over 65535";
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> destination_problem(std::string_view url) {
  Destination unused;
  return destination_problem(url, unused);
}

// Hand-written rather than Boost.URL alone: Boost.URL parses RFC 3986 strictly, and links in
// real mail carry what browsers accept beyond it (`?filter[size]=42`, `|`, `{}`). So the scheme
// and authority are checked here, the rest encoded as browsers do, and Boost.URL then parses
// the result, which must succeed.
std::optional<std::string> destination_problem(std::string_view url, Destination& out) {
  if (url.empty()) return "the URL is empty";
  if (url.size() > kMaxDestinationBytes)
    return "the URL is longer than " + std::to_string(kMaxDestinationBytes) + " bytes";
  for (unsigned char c : url) {
    if (c < 0x20 || c == 0x7f) return "the URL contains a control character";
    if (c == ' ') return "the URL contains a space (percent-encode it as %20)";
    if (c >= 0x80) return "the URL contains non-ASCII bytes (percent-encode them)";
  }
  std::size_t colon = 0;
  while (colon < url.size() &&
         (alpha(url[colon]) || (colon > 0 && (digit(url[colon]) || url[colon] == '+' ||
                                              url[colon] == '-' || url[colon] == '.'))))
    ++colon;
  if (colon == 0 || colon == url.size() || url[colon] != ':')
    return "not an absolute URL: it must start with http:// or https://";
  const std::string_view scheme = url.substr(0, colon);
  if (!iequals(scheme, "http") && !iequals(scheme, "https"))
    return "only http and https URLs are allowed (this one is " + std::string(scheme) + ":)";
  std::string_view rest = url.substr(colon + 1);
  if (!rest.starts_with("//"))
    return "the URL has no host: it must start with " + std::string(scheme) + "://";
  rest.remove_prefix(2);
  const auto authority_end = rest.find_first_of("/?#\\");
  if (authority_end != std::string_view::npos && rest[authority_end] == '\\')
    return "the host is followed by a backslash, which browsers read as '/' (write '/')";
  const std::string_view authority = rest.substr(0, authority_end);
  std::string problem;
  if (!authority_ok(authority, problem)) return problem;

  // Usually nothing needs encoding and the URL is used as it is.
  const std::size_t rest_at = colon + 3 + authority.size();
  rest = url.substr(rest_at);
  bool in_path = true, in_fragment = false;
  std::size_t i = first_to_encode(rest, 0, in_path, in_fragment, problem);
  if (!problem.empty()) return problem;
  std::string_view location = url;
  if (i < rest.size()) {
    static const char* kHex = "0123456789ABCDEF";
    std::string& encoded = out.encoded;
    encoded.assign(url.substr(0, rest_at + i));
    while (i < rest.size()) {
      const auto c = static_cast<unsigned char>(rest[i]);
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 15]);
      const std::size_t next = first_to_encode(rest, i + 1, in_path, in_fragment, problem);
      if (!problem.empty()) return problem;
      encoded.append(rest.substr(i + 1, next - i - 1));
      i = next;
    }
    if (encoded.size() > kMaxDestinationBytes)
      return "the URL is longer than " + std::to_string(kMaxDestinationBytes) +
             " bytes once percent-encoded";
    location = encoded;
  }
  // An IP literal's syntax is Boost.URL's to check; a name, the path, the query and the
  // fragment are checked above, which is all parse_uri() would find (the fuzz target holds the
  // two to that), without a second parse of every destination on every click.
  if (authority.starts_with('[')) {
    if (auto parsed = boost::urls::parse_uri(location); !parsed)
      return "not a valid URL (" + parsed.error().message() + ")";
  }
  out.location = location;
  const std::size_t first = location.find_first_of("?#", rest_at);
  out.query =
      first != std::string_view::npos && location[first] == '?' ? first : std::string_view::npos;
  out.fragment = location.find('#', first == std::string_view::npos ? location.size() : first);
  return std::nullopt;
}

}  // namespace linktrack::net
