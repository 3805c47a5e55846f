// UTF-8 well-formedness (RFC 3629): ids in tokens are text, and JSON, cookies and logs need them
// valid. A dozen lines here rather than a dependency: none of our libraries exposes a validator.
#pragma once

#include <string_view>

namespace linktrack::util {

// True when `s` is well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view s);

}  // namespace linktrack::util
