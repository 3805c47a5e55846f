#include "rewrite/start_tag_scanner.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace linktrack::rewrite {
namespace {

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
constexpr bool is_alpha(char c) {
  return (static_cast<unsigned char>(c) | 0x20) >= 'a' &&
         (static_cast<unsigned char>(c) | 0x20) <= 'z';
}
constexpr char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

bool in(std::string_view name, std::initializer_list<std::string_view> lower_names) {
  for (auto n : lower_names)
    if (equals_lower(name, n)) return true;
  return false;
}

// Start tags that make the tree builder switch the tokenizer out of the data state.
enum class Text { data, rawtext, script, plaintext };

Text text_after(std::string_view tag) {
  if (in(tag, {"style", "xmp", "iframe", "noembed", "noframes", "title", "textarea"}))
    return Text::rawtext;  // RCDATA ends the same way as RAWTEXT; only entities differ
  if (equals_lower(tag, "script")) return Text::script;
  if (equals_lower(tag, "plaintext")) return Text::plaintext;
  return Text::data;
}

// HTML start tags that end svg/math content ("breakout" tags of the foreign-content rules).
bool breaks_out_of_foreign(std::string_view tag) {
  return in(tag,
            {"b",      "big",  "blockquote", "body",  "br",   "center", "code",    "dd",   "div",
             "dl",     "dt",   "em",         "embed", "h1",   "h2",     "h3",      "h4",   "h5",
             "h6",     "head", "hr",         "i",     "img",  "li",     "listing", "menu", "meta",
             "nobr",   "ol",   "p",          "pre",   "ruby", "s",      "small",   "span", "strong",
             "strike", "sub",  "sup",        "table", "tt",   "u",      "ul",      "var"});
}

bool is_void(std::string_view tag) {
  return in(tag, {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img",
                  "input", "keygen", "link", "meta", "param", "source", "track", "wbr"});
}

// The tree builder's stack of open elements, as far as the tokenizer needs it: which element is
// current and whether it is in svg or math. Implied end tags (an unclosed <p> or <td>) are not
// modelled; they only matter inside svg/math, which mail does not use.
struct Element {
  enum Space { html, svg, math } space;
  std::string_view name;

  // Where HTML is parsed again inside svg/math (HTML and MathML text integration points).
  bool integration_point() const {
    return (space == svg && in(name, {"foreignobject", "desc", "title"})) ||
           (space == math && in(name, {"mi", "mo", "mn", "ms", "mtext"}));
  }
};

class Scanner {
 public:
  Scanner(std::string_view html, const std::function<void(const StartTag&)>& on_start_tag)
      : h_(html), n_(html.size()), on_start_tag_(on_start_tag) {}

  ScanResult run() {
    std::size_t p = 0;
    while (p < n_) {
      p = find('<', p);
      if (p == std::string_view::npos || p + 1 >= n_) break;
      const char c = h_[p + 1];
      if (is_alpha(c))
        p = start_tag(p);
      else if (c == '/')
        p = end_tag(p);
      else if (c == '!')
        p = markup_declaration(p);
      else if (c == '?')
        p = past('>', p + 1);  // bogus comment
      else
        ++p;  // a '<' that is text
    }
    return result_;
  }

 private:
  // Start tags are read by the foreign-content rules: the current node is svg/math and not a
  // place where HTML resumes.
  bool in_foreign() const {
    return !open_.empty() && open_.back().space != Element::html &&
           !open_.back().integration_point();
  }
  // CDATA sections exist only where the current node is an svg/math element.
  bool cdata_allowed() const { return !open_.empty() && open_.back().space != Element::html; }

  // The next `c` at or after `from`, or npos.
  std::size_t find(char c, std::size_t from) const {
    if (from >= n_) return std::string_view::npos;
    const void* at = std::memchr(h_.data() + from, c, n_ - from);
    return at ? static_cast<std::size_t>(static_cast<const char*>(at) - h_.data())
              : std::string_view::npos;
  }
  // Just past the next `c` at or after `from`, or the end of the document.
  std::size_t past(char c, std::size_t from) const {
    const std::size_t at = find(c, from);
    return at == std::string_view::npos ? n_ : at + 1;
  }

  bool at(std::size_t i, std::string_view s) const { return h_.compare(i, s.size(), s) == 0; }

  // `name` (any case) at i, followed by what ends a tag name.
  bool name_at(std::size_t i, std::string_view lower_name) const {
    std::size_t end = i + lower_name.size();
    if (end >= n_ || !equals_lower(h_.substr(i, lower_name.size()), lower_name)) return false;
    return is_space(h_[end]) || h_[end] == '/' || h_[end] == '>';
  }

  std::size_t tag_name_end(std::size_t i) const {
    while (i < n_ && !is_space(h_[i]) && h_[i] != '/' && h_[i] != '>') ++i;
    return i;
  }

  std::size_t markup_declaration(std::size_t p) {
    const std::size_t q = p + 2;
    if (at(q, "--")) return comment(q + 2);
    if (cdata_allowed() && at(q, "[CDATA[")) {
      auto end = h_.find("]]>", q + 7);
      return end == std::string_view::npos ? n_ : end + 3;
    }
    return past('>', q);  // DOCTYPE (its quoted ids end at '>' too) or a bogus comment
  }

  std::size_t comment(std::size_t q) const {
    if (at(q, ">")) return q + 1;   // <!-->
    if (at(q, "->")) return q + 2;  // <!--->
    for (std::size_t i = q;; ++i) {
      i = h_.find("--", i);
      if (i == std::string_view::npos || i + 2 >= n_) return n_;
      if (h_[i + 2] == '>') return i + 3;
      if (h_[i + 2] == '!' && i + 3 < n_ && h_[i + 3] == '>') return i + 4;
    }
  }

  // Attributes from i up to the tag's '>'. Returns just past it, or npos when the document ends
  // first (then there is no tag at all).
  std::size_t attributes(std::size_t i, bool& self_closing) {
    attrs_.clear();
    self_closing = false;
    for (;;) {
      while (i < n_ && is_space(h_[i])) ++i;
      if (i >= n_) return std::string_view::npos;
      if (h_[i] == '/') {
        if (++i < n_ && h_[i] == '>') {
          self_closing = true;
          return i + 1;
        }
        continue;
      }
      if (h_[i] == '>') return i + 1;
      const std::size_t name_start = i++;  // a leading '=' belongs to the name
      while (i < n_ && !is_space(h_[i]) && h_[i] != '/' && h_[i] != '>' && h_[i] != '=') ++i;
      AttributeSpan a{h_.substr(name_start, i - name_start), name_start, 0, 0, 0};
      while (i < n_ && is_space(h_[i])) ++i;
      if (i < n_ && h_[i] == '=') {
        ++i;
        while (i < n_ && is_space(h_[i])) ++i;
        if (i >= n_) return std::string_view::npos;
        const char c = h_[i];
        if (c == '"' || c == '\'') {
          const std::size_t close = find(c, i + 1);
          if (close == std::string_view::npos) return std::string_view::npos;
          a.value_offset = i;
          a.value_length = close + 1 - i;
          a.quote = c;
          i = close + 1;
        } else if (c != '>') {
          const std::size_t start = i;
          while (i < n_ && !is_space(h_[i]) && h_[i] != '>') ++i;
          a.value_offset = start;
          a.value_length = i - start;
        }
      }
      add(a);
    }
  }

  void add(const AttributeSpan& a) {
    for (const auto& b : attrs_)
      if (b.name.size() == a.name.size() && equals_lower_both(b.name, a.name)) return;
    attrs_.push_back(a);
  }

  static bool equals_lower_both(std::string_view a, std::string_view b) {
    for (std::size_t k = 0; k < a.size(); ++k)
      if (to_lower(a[k]) != to_lower(b[k])) return false;
    return true;
  }

  std::size_t start_tag(std::size_t p) {
    const std::size_t name_end = tag_name_end(p + 1);
    const std::string_view name = h_.substr(p + 1, name_end - (p + 1));
    bool self_closing = false;
    const std::size_t end = attributes(name_end, self_closing);
    if (end == std::string_view::npos) return n_;
    on_start_tag_(StartTag{p, name, attrs_});
    return after_start_tag(name, self_closing, end);
  }

  std::size_t after_start_tag(std::string_view name, bool self_closing, std::size_t end) {
    if (in_foreign()) {
      if (!breaks_out_of_foreign(name) &&
          !(equals_lower(name, "font") && (has("color") || has("face") || has("size")))) {
        if (!self_closing) open_.push_back({open_.back().space, name});
        return end;
      }
      while (in_foreign()) open_.pop_back();
    }
    if (equals_lower(name, "svg") || equals_lower(name, "math")) {
      if (!self_closing)
        open_.push_back({equals_lower(name, "svg") ? Element::svg : Element::math, name});
      return end;
    }
    // <html>, <head> and <body> never leave the stack early; voids never enter it.
    if (!is_void(name) && !in(name, {"html", "head", "body"}))
      open_.push_back({Element::html, name});
    switch (text_after(name)) {
      case Text::data:
        return end;
      case Text::rawtext:
        return appropriate_end_tag(end, name);
      case Text::script:
        return script_end(end);
      case Text::plaintext:
        return n_;
    }
    return end;
  }

  bool has(std::string_view lower_attribute) const {
    for (const auto& a : attrs_)
      if (equals_lower(a.name, lower_attribute)) return true;
    return false;
  }

  // With an svg/math current node, an end tag closes the innermost element of its name down to
  // the first HTML element; from there (and in HTML) it closes the innermost HTML element of its
  // name that is not behind an integration point. Otherwise it is ignored.
  void close(std::string_view name) {
    std::size_t k = open_.size();
    while (k > 0 && open_[k - 1].space != Element::html) {
      if (equals_lower_both_sized(name, open_[k - 1].name)) {
        open_.resize(k - 1);
        return;
      }
      --k;
    }
    for (; k > 0; --k) {
      const Element& e = open_[k - 1];
      if (e.space != Element::html) {
        if (e.integration_point()) return;
        continue;
      }
      if (equals_lower_both_sized(name, e.name)) {
        open_.resize(k - 1);
        return;
      }
    }
  }

  // Offset of the `</name` that ends RAWTEXT/RCDATA begun at i, or the end of the document.
  std::size_t appropriate_end_tag(std::size_t i, std::string_view name) const {
    std::string lower(name);
    for (auto& c : lower) c = to_lower(c);
    for (;; i += 2) {
      i = h_.find("</", i);
      if (i == std::string_view::npos) return n_;
      if (name_at(i + 2, lower)) return i;
    }
  }

  // Script data with its escaped (<!-- … -->) and double-escaped (<!-- <script> … </script>)
  // states: returns the offset of the `</script` that ends it, or the end of the document.
  std::size_t script_end(std::size_t i) const {
    enum { plain, escaped, double_escaped } state = plain;
    int dashes = 0;
    while (i < n_) {
      if (state == plain) {
        i = find('<', i);
        if (i == std::string_view::npos) return n_;
        if (at(i, "</") && name_at(i + 2, "script")) return i;
        if (at(i, "<!--")) {
          state = escaped;
          dashes = 2;
          i += 4;
        } else {
          ++i;
        }
        continue;
      }
      const char c = h_[i];
      if (c == '-') {
        ++dashes;
        ++i;
        continue;
      }
      if (c == '>' && dashes >= 2) {
        state = plain;
        dashes = 0;
        ++i;
        continue;
      }
      dashes = 0;
      if (c == '<' && state == escaped) {
        if (at(i, "</") && name_at(i + 2, "script")) return i;
        if (name_at(i + 1, "script")) {
          state = double_escaped;
          i += 7;
          continue;
        }
      } else if (c == '<' && state == double_escaped && at(i, "</") && name_at(i + 2, "script")) {
        state = escaped;
        i += 8;
        continue;
      }
      ++i;
    }
    return n_;
  }

  std::size_t end_tag(std::size_t p) {
    const std::size_t q = p + 2;
    if (q >= n_) return n_;
    if (h_[q] == '>') return q + 1;             // </> is nothing
    if (!is_alpha(h_[q])) return past('>', q);  // bogus comment
    const std::size_t name_end = tag_name_end(q);
    const std::string_view name = h_.substr(q, name_end - q);
    bool self_closing = false;
    const std::size_t end = attributes(name_end, self_closing);
    if (end == std::string_view::npos) return n_;
    close(name);
    if (!result_.body_end && equals_lower(name, "body")) result_.body_end = p;
    return end;
  }

  static bool equals_lower_both_sized(std::string_view a, std::string_view b) {
    return a.size() == b.size() && equals_lower_both(a, b);
  }

  std::string_view h_;
  std::size_t n_;
  const std::function<void(const StartTag&)>& on_start_tag_;
  std::vector<AttributeSpan> attrs_;
  std::vector<Element> open_;
  ScanResult result_;
};

}  // namespace

bool equals_lower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (to_lower(s[i]) != lower[i]) return false;
  return true;
}

bool StartTag::is(std::string_view lower_name) const {
  return equals_lower(name, lower_name);
}

const AttributeSpan* StartTag::attribute(std::string_view lower_name) const {
  for (const auto& a : attributes)
    if (equals_lower(a.name, lower_name)) return &a;
  return nullptr;
}

ScanResult scan_start_tags(std::string_view html,
                           const std::function<void(const StartTag&)>& on_start_tag) {
  return Scanner(html, on_start_tag).run();
}

}  // namespace linktrack::rewrite
