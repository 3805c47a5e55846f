// The links of a document as the start-tag scanner sees them and as gumbo's full HTML5 parse
// sees them, for the tests that compare the two.
#pragma once

#include <gumbo.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "rewrite/gumbo_arena.hpp"
#include "rewrite/start_tag_scanner.hpp"

namespace linktrack::test {

// (offset, length) of the raw href value of every <a>/<area> with an href. Values, not tags: for
// a tag after `</>` gumbo's source span starts at the `</>`.
using Link = std::pair<std::size_t, std::size_t>;

inline std::vector<Link> scanner_links(std::string_view html,
                                       std::optional<std::size_t>* body_end = {}) {
  std::vector<Link> out;
  auto result = rewrite::scan_start_tags(html, [&](const rewrite::StartTag& tag) {
    if (!tag.is("a") && !tag.is("area")) return;
    if (const auto* href = tag.attribute("href"))
      out.emplace_back(href->value_offset, href->value_length);
  });
  if (body_end) *body_end = result.body_end;
  return out;
}

// The same links as gumbo's full HTML5 parse sees them: the oracle the scanner must agree with.
inline std::vector<Link> gumbo_links(std::string_view html) {
  rewrite::GumboArena arena;
  GumboOutput* doc = gumbo_parse_with_options(arena.options(), html.data(), html.size());
  auto offset = [&](const char* p) { return static_cast<std::size_t>(p - html.data()); };
  auto inside = [&](const GumboStringPiece& s) {
    return s.length > 0 && s.data >= html.data() && s.data + s.length <= html.data() + html.size();
  };
  std::vector<Link> out;
  std::vector<const GumboNode*> todo{doc->document};
  while (!todo.empty()) {
    const GumboNode* node = todo.back();
    todo.pop_back();
    const GumboVector* kids = nullptr;
    if (node->type == GUMBO_NODE_DOCUMENT) {
      kids = &node->v.document.children;
    } else if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
      const GumboElement& e = node->v.element;
      kids = &e.children;
      const bool from_source =
          !(node->parse_flags &
            (GUMBO_INSERTION_BY_PARSER | GUMBO_INSERTION_RECONSTRUCTED_FORMATTING_ELEMENT)) &&
          inside(e.original_tag);
      const GumboAttribute* href = gumbo_get_attribute(&e.attributes, "href");
      if (from_source && href && (e.tag == GUMBO_TAG_A || e.tag == GUMBO_TAG_AREA)) {
        // For an attribute without a value gumbo's value span is the name's.
        const bool valued =
            inside(href->original_value) && href->original_value.data != href->original_name.data;
        out.emplace_back(valued ? offset(href->original_value.data) : 0,
                         valued ? href->original_value.length : 0);
      }
    }
    if (kids)
      for (unsigned i = 0; i < kids->length; ++i)
        todo.push_back(static_cast<const GumboNode*>(kids->data[i]));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace linktrack::test
