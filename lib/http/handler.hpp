// The decision for one request, with no I/O: route, token check, cookies, destination, event.
#pragma once

#include "http/request_view.hpp"
#include "http/response.hpp"
#include "http/snapshot.hpp"
#include "token/codec.hpp"

namespace linktrack::http {

// `codec` must be built over `snapshot.keyring`.
Response handle(const RequestView& request, const Snapshot& snapshot, token::TokenCodec& codec);

// "links.example.com:8443" -> "links.example.com", lower case; "[::1]:80" -> "::1".
std::string normalize_host(std::string_view host_header);

}  // namespace linktrack::http
