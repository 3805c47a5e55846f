// The token spec's reference link (lib/token/SPEC.md): a 120-character destination, campaign,
// template, a 32-hex-digit message id, a numeric recipient and a link index. The size tests and
// the sign/verify benchmarks both use it.
#pragma once

#include "token/fields.hpp"

namespace linktrack::test {

inline token::LinkFields reference_link(std::int64_t issued_at = 1790000000) {
  token::LinkFields f;
  f.url =
      "https://www.example.com/products/spring-sale/shoes/running/"
      "item-12345?utm_campaign=spring&variant=blue&size=42&ref=nl001";
  f.campaign = "123456";
  f.template_id = "7890";
  f.message = "0123456789abcdef0123456789abcdef";
  f.recipient = "987654321";
  f.link = "3";
  f.issued_at = issued_at;
  return f;
}

}  // namespace linktrack::test
