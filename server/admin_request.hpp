// A request on the admin listener and what answers it. The answer may come later and from
// another thread (the API's): the session posts it back to its own executor.
#pragma once

#include <functional>
#include <string>

#include "http/response.hpp"

namespace linktrack::server {

struct AdminRequest {
  std::string method, target, authorization, body, peer;  // owned: outlives the parser
  // For the dashboard: its cookies, the form's origin and type, and the listener's scheme.
  std::string host, origin, cookie, content_type;
  bool tls = false;
};

using AdminAnswer = std::function<void(http::Response)>;
using AdminHandler = std::function<void(AdminRequest request, AdminAnswer answer)>;

}  // namespace linktrack::server
