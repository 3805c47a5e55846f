#include "http/wire.hpp"

#include <ostream>  // before Beast: boost/core/string_view.hpp needs it complete

#include <boost/beast/http/status.hpp>  // the reason phrases; nothing of Beast in the interface
#include <ctime>

namespace linktrack::http {

void write_response(const Response& r, unsigned version, bool keep_alive, std::string_view date,
                    std::string& out, bool with_body) {
  namespace bhttp = boost::beast::http;
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  out.clear();
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ")
      .append(std::to_string(r.status))
      .append(" ")
      .append(reason.data(), reason.size())
      .append("\r\nDate: ")
      .append(date);
  auto header = [&out](std::string_view name, std::string_view value) {
    out.append("\r\n").append(name).append(": ").append(value);
  };
  if (!r.content_type.empty()) header("Content-Type", r.content_type);
  if (!r.location.empty()) header("Location", r.location);
  if (r.no_store) header("Cache-Control", "no-store");
  for (const auto& c : r.set_cookies) header("Set-Cookie", c);
  for (const auto& [name, value] : r.headers) header(name, value);
  if (!keep_alive && version == 11) header("Connection", "close");
  if (keep_alive && version == 10) header("Connection", "keep-alive");
  header("Content-Length", std::to_string(r.body.size()));  // HEAD: the length GET would have
  out.append("\r\n\r\n");
  if (!r.head_only && with_body) out.append(r.body);
}

const std::string& http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    char buf[64];
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = buf;
    cached_second = now;
  }
  return cached;
}

}  // namespace linktrack::http
