#include "rewrite/html_rewriter.hpp"

#include <gumbo.h>

#include <algorithm>
#include <memory>

#include "token/destination.hpp"

namespace linktrack::rewrite {
namespace {

// Gumbo allocates every node, string and vector on its own. A bump arena that keeps its chunks
// from one document to the next avoids both malloc and fresh page faults (tests/bench).
class Arena {
 public:
  static void* allocate(void* self, std::size_t size) {
    return static_cast<Arena*>(self)->take((size + 15) & ~std::size_t{15});
  }
  static void release(void*, void*) {}

  // Forgets every allocation; the chunks stay for the next document.
  void reset() {
    current_ = 0;
    used_ = 0;
    big_.clear();
  }

 private:
  using Block = std::unique_ptr<std::max_align_t[]>;
  static Block block(std::size_t bytes) {
    return Block(new std::max_align_t[bytes / sizeof(std::max_align_t) + 1]);
  }
  void* take(std::size_t size) {
    if (size > kChunk / 4) return big_.emplace_back(block(size)).get();
    if (used_ + size > kChunk || chunks_.empty()) {
      if (!chunks_.empty()) ++current_;
      if (current_ == chunks_.size()) chunks_.push_back(block(kChunk));
      used_ = 0;
    }
    void* p = reinterpret_cast<char*>(chunks_[current_].get()) + used_;
    used_ += size;
    return p;
  }
  static constexpr std::size_t kChunk = 1 << 20;
  std::vector<Block> chunks_;
  std::vector<Block> big_;
  std::size_t current_ = 0;
  std::size_t used_ = 0;
};

struct Edit {
  std::size_t offset;
  std::size_t length;
  std::string text;
};

struct Candidate {
  std::size_t offset;  // where the element starts in the source
  const GumboElement* element;
};

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\f";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// Why a link is left alone, or nullopt when it is to be tracked.
std::optional<std::string> skip_reason(std::string_view href) {
  if (href.find("{{") != std::string_view::npos || href.find("{%") != std::string_view::npos ||
      href.find("*|") != std::string_view::npos)
    return "template placeholder";
  if (starts_with_nocase(href, "mailto:")) return "mailto";
  if (starts_with_nocase(href, "tel:")) return "tel";
  if (starts_with_nocase(href, "sms:")) return "sms";
  if (href.empty() || href.front() == '#') return "anchor";
  if (!starts_with_nocase(href, "http://") && !starts_with_nocase(href, "https://")) {
    auto colon = href.find(':');
    auto slash = href.find('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash))
      return "not http(s)";
    return "relative URL";
  }
  return std::nullopt;
}

std::string escape_attribute(std::string_view v, char quote) {
  std::string out;
  for (char c : v) {
    if (c == '&')
      out += "&amp;";
    else if (c == '"' && quote != '\'')
      out += "&quot;";
    else if (c == '\'' && quote == '\'')
      out += "&#39;";
    else
      out += c;
  }
  return out;
}

class Rewriter {
 public:
  Rewriter(std::string_view html, const TrackFn& track, RewriteReport& report)
      : html_(html), track_(track), report_(report) {}

  bool inside(const char* p, std::size_t n) const {
    return p >= html_.data() && p + n <= html_.data() + html_.size();
  }
  std::size_t offset(const char* p) const { return static_cast<std::size_t>(p - html_.data()); }

  void collect(const GumboNode* node, std::vector<Candidate>& out) {
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE &&
        node->type != GUMBO_NODE_DOCUMENT)
      return;
    const GumboVector* children =
        node->type == GUMBO_NODE_DOCUMENT ? &node->v.document.children : &node->v.element.children;
    if (node->type != GUMBO_NODE_DOCUMENT) {
      const GumboElement& e = node->v.element;
      // Elements the parser made up or cloned have no bytes of their own to rewrite.
      bool from_source =
          !(node->parse_flags &
            (GUMBO_INSERTION_BY_PARSER | GUMBO_INSERTION_RECONSTRUCTED_FORMATTING_ELEMENT)) &&
          e.original_tag.length > 0 && inside(e.original_tag.data, e.original_tag.length);
      if (from_source && (e.tag == GUMBO_TAG_A || e.tag == GUMBO_TAG_AREA) &&
          gumbo_get_attribute(&e.attributes, "href"))
        out.push_back({offset(e.original_tag.data), &e});
      if (e.tag == GUMBO_TAG_BODY && e.original_end_tag.length > 0 &&
          inside(e.original_end_tag.data, e.original_end_tag.length))
        body_end_ = offset(e.original_end_tag.data);
    }
    for (unsigned i = 0; i < children->length; ++i)
      collect(static_cast<const GumboNode*>(children->data[i]), out);
  }

  void remove_attribute(const GumboAttribute* a) {
    if (!inside(a->original_name.data, a->original_name.length)) return;
    std::size_t start = offset(a->original_name.data);
    std::size_t end = start + a->original_name.length;
    if (a->original_value.length > 0 && inside(a->original_value.data, a->original_value.length))
      end = offset(a->original_value.data) + a->original_value.length;
    while (start > 0 &&
           std::string_view(" \t\r\n\f").find(html_[start - 1]) != std::string_view::npos)
      --start;
    edits_.push_back({start, end - start, ""});
  }

  void link(const GumboElement& e, std::size_t index) {
    const GumboAttribute* href = gumbo_get_attribute(&e.attributes, "href");
    const GumboAttribute* opt = gumbo_get_attribute(&e.attributes, "data-linktrack");
    const GumboAttribute* name = gumbo_get_attribute(&e.attributes, "data-linktrack-name");
    const std::string url(trim(href->value));
    if (opt && std::string_view(opt->value) == "off") {
      remove_attribute(opt);
      report_.skipped.push_back({url, "opted out (data-linktrack=\"off\")"});
      return;
    }
    if (auto reason = skip_reason(url)) {
      report_.skipped.push_back({url, *reason});
      return;
    }
    const auto& raw = href->original_value;
    if (raw.length == 0 || !inside(raw.data, raw.length)) {
      report_.skipped.push_back({url, "href without a value"});
      return;
    }
    std::string tracked;
    try {
      tracked =
          track_(url, name && *name->value ? std::string(name->value) : std::to_string(index));
    } catch (const std::invalid_argument& err) {
      report_.skipped.push_back({url, err.what()});
      return;
    }
    char quote = raw.data[0] == '"' || raw.data[0] == '\'' ? raw.data[0] : 0;
    std::string text = escape_attribute(tracked, quote);
    if (quote) text = quote + text + quote;
    edits_.push_back({offset(raw.data), raw.length, std::move(text)});
    ++report_.rewritten;
  }

  std::string run(const std::optional<std::string>& pixel_url) {
    thread_local Arena arena;
    arena.reset();
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &Arena::allocate;
    options.deallocator = &Arena::release;
    options.userdata = &arena;
    options.max_errors = 0;  // parse errors are not ours to report; recording them is costly
    GumboOutput* out = gumbo_parse_with_options(&options, html_.data(), html_.size());
    std::vector<Candidate> links;
    collect(out->document, links);  // the arena owns `out`; no gumbo_destroy_output
    // Tree order can differ from source order (foster-parented table content), and one source
    // element can appear twice; number links by their place in the source.
    std::sort(links.begin(), links.end(),
              [](const Candidate& a, const Candidate& b) { return a.offset < b.offset; });
    links.erase(
        std::unique(links.begin(), links.end(),
                    [](const Candidate& a, const Candidate& b) { return a.offset == b.offset; }),
        links.end());
    for (std::size_t i = 0; i < links.size(); ++i) link(*links[i].element, i + 1);
    if (pixel_url) {
      std::string img = "<img src=\"" + escape_attribute(*pixel_url, '"') +
                        "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;"
                        "width:1px;height:1px\">";
      edits_.push_back({body_end_.value_or(html_.size()), 0, std::move(img)});
      report_.pixel_added = true;
    }
    std::stable_sort(edits_.begin(), edits_.end(),
                     [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
    std::string result;
    result.reserve(html_.size() + edits_.size() * 200);
    std::size_t at = 0;
    for (const auto& e : edits_) {
      if (e.offset < at) continue;  // overlapping edits cannot happen; guard anyway
      result.append(html_.substr(at, e.offset - at));
      result.append(e.text);
      at = e.offset + e.length;
    }
    result.append(html_.substr(at));
    return result;
  }

 private:
  std::string_view html_;
  const TrackFn& track_;
  RewriteReport& report_;
  std::vector<Edit> edits_;
  std::optional<std::size_t> body_end_;
};

}  // namespace

std::string rewrite_html(std::string_view html, const TrackFn& track,
                         const std::optional<std::string>& pixel_url, RewriteReport& report) {
  return Rewriter(html, track, report).run(pixel_url);
}

}  // namespace linktrack::rewrite
