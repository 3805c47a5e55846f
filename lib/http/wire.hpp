// A Response as the bytes of an HTTP/1.x answer. Written as one buffer rather than through
// Beast's serializer, whose buffer-sequence iteration stood out in profiles of the click path.
#pragma once

#include <string>
#include <string_view>

#include "http/response.hpp"

namespace linktrack::http {

// Replaces `out` with the status line, headers and (unless `r.head_only` or `!with_body`) body.
// `version` is 10 or 11; the Connection header says what `keep_alive` decided where the
// version's default differs. Every value in `r` is a constant or was checked by the handler
// (destinations, cookie values): none holds CR or LF. `date` is the Date header's value.
// `with_body` false: the caller sends the body after `out` itself (a large one, not copied).
void write_response(const Response& r, unsigned version, bool keep_alive, std::string_view date,
                    std::string& out, bool with_body = true);

// The Date header's value for now, formatted once a second per thread.
const std::string& http_date();

}  // namespace linktrack::http
