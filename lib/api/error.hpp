// The API's errors: every one a JSON body {"error": {"code", "message"}}, never HTML or text.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "http/response.hpp"

namespace linktrack::api {

// Thrown by an endpoint for a request it refuses; the router answers it.
class ApiError : public std::runtime_error {
 public:
  ApiError(unsigned status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  unsigned status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  unsigned status_;
  std::string code_;
};

inline ApiError bad_request(const std::string& message) {
  return ApiError(400, "bad_request", message);
}

http::Response error_response(unsigned status, std::string_view code, std::string_view message);

// A JSON answer: no-store, as every API answer.
http::Response json_response(std::string body, unsigned status = 200);

}  // namespace linktrack::api
