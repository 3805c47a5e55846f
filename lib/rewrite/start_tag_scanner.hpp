// Finds the start tags of an HTML document with the source position of every attribute, the
// way an HTML5 tokenizer sees them, without building a tree.
//
// Why not gumbo alone: gumbo builds the whole DOM, and that caps `rewrite` at about 20 MB/s on
// a newsletter. Rewriting links needs only the tokens, so this follows the WHATWG tokenizer
// states that decide where a tag starts and ends (data, tag, attribute, comment, bogus comment,
// DOCTYPE, CDATA, RAWTEXT, RCDATA, script data with its escapes, PLAINTEXT) and the little of
// the tree builder that switches them (which element starts raw text, svg/math content).
// tests/unit/test_start_tag_scanner.cpp checks it against gumbo on real and generated mail: they
// agree on every HTML document; inside svg/math, where implied end tags and element scopes are
// not modelled, on more than 99% of generated tag soup.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace linktrack::rewrite {

struct AttributeSpan {
  std::string_view name;     // as written (any case)
  std::size_t name_offset;   // of the name's first byte
  std::size_t value_offset;  // of the raw value, quotes included
  std::size_t value_length;  // 0 when the attribute has no value
  char quote;                // '"', '\'' or 0 for an unquoted (or missing) value

  // The value as written, without its quotes; character references are still encoded.
  std::string_view raw_value(std::string_view html) const {
    if (value_length == 0) return {};
    return quote ? html.substr(value_offset + 1, value_length - 2)
                 : html.substr(value_offset, value_length);
  }
};

struct StartTag {
  std::size_t offset;     // of its '<'
  std::string_view name;  // as written (any case)
  // First occurrence of each name only, as the tokenizer drops duplicates.
  const std::vector<AttributeSpan>& attributes;

  bool is(std::string_view lower_name) const;
  const AttributeSpan* attribute(std::string_view lower_name) const;
};

struct ScanResult {
  std::optional<std::size_t> body_end;  // offset of the first </body> end tag
};

// Calls `on_start_tag` for each start tag, in source order. A tag cut off by the end of the
// document is not a tag (as in HTML5).
ScanResult scan_start_tags(std::string_view html,
                           const std::function<void(const StartTag&)>& on_start_tag);

bool equals_lower(std::string_view s, std::string_view lower);

}  // namespace linktrack::rewrite
