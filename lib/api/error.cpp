#include "api/error.hpp"

#include <nlohmann/json.hpp>

namespace linktrack::api {

http::Response json_response(std::string body, unsigned status) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  r.body += '\n';
  r.no_store = true;
  return r;
}

http::Response error_response(unsigned status, std::string_view code, std::string_view message) {
  nlohmann::json j{{"error", {{"code", code}, {"message", message}}}};
  return json_response(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), status);
}

}  // namespace linktrack::api
