#include "classify/evidence.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace linktrack::classify {

std::uint32_t evidence_of(const RequestHeaders& h) {
  using boost::algorithm::icontains;
  using boost::algorithm::iequals;
  std::uint32_t bits = 0;
  if (!h.accept.empty()) bits |= evidence::accept;
  if (!h.accept_language.empty()) bits |= evidence::accept_language;
  if (!h.sec_fetch_mode.empty()) {
    bits |= evidence::sec_fetch;
    if (iequals(h.sec_fetch_mode, "navigate")) bits |= evidence::navigate;
  }
  // Sec-Purpose (Fetch: "prefetch", "prefetch;prerender"), Purpose / X-Purpose (Chrome before
  // Sec-Purpose, Safari: "prefetch", "preview"), X-Moz (Firefox: "prefetch").
  if (icontains(h.sec_purpose, "prefetch") || icontains(h.purpose, "prefetch") ||
      icontains(h.x_purpose, "preview") || icontains(h.x_purpose, "prefetch") ||
      icontains(h.x_moz, "prefetch"))
    bits |= evidence::prefetch;
  if (h.secure) bits |= evidence::secure;
  return bits;
}

}  // namespace linktrack::classify
