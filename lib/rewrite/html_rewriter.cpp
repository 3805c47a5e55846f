#include "rewrite/html_rewriter.hpp"

#include <gumbo.h>

#include <algorithm>
#include <stdexcept>

#include "rewrite/gumbo_arena.hpp"
#include "rewrite/start_tag_scanner.hpp"

namespace linktrack::rewrite {
namespace {

struct Edit {
  std::size_t offset;
  std::size_t length;
  std::string text;
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

// The value of an attribute as the browser sees it: character references decoded. Hrefs hold
// few references and nearly all are &amp;; anything else is left to gumbo, which knows all of
// HTML's named references and their legacy forms, on the attribute alone.
std::string decode_attribute(std::string_view raw_with_quotes, std::string_view raw) {
  if (raw.find('&') == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
    } else if (raw.compare(i, 5, "&amp;") == 0) {
      out += '&';
      i += 4;
    } else {
      const std::string fragment = "<a href=" + std::string(raw_with_quotes) + ">";
      GumboArena arena;
      GumboOutput* doc =
          gumbo_parse_with_options(arena.options(), fragment.data(), fragment.size());
      std::string value;
      std::vector<const GumboNode*> todo{doc->root};
      while (!todo.empty()) {
        const GumboNode* node = todo.back();
        todo.pop_back();
        if (node->type != GUMBO_NODE_ELEMENT) continue;
        if (node->v.element.tag == GUMBO_TAG_A) {
          if (auto* a = gumbo_get_attribute(&node->v.element.attributes, "href")) value = a->value;
          break;
        }
        const GumboVector& kids = node->v.element.children;
        for (unsigned k = 0; k < kids.length; ++k)
          todo.push_back(static_cast<const GumboNode*>(kids.data[k]));
      }
      return value;
    }
  }
  return out;
}

class Rewriter {
 public:
  Rewriter(std::string_view html, const TrackFn& track, RewriteReport& report)
      : html_(html), track_(track), report_(report) {}

  void remove_attribute(const AttributeSpan& a) {
    std::size_t start = a.name_offset;
    std::size_t end = a.value_length ? a.value_offset + a.value_length : start + a.name.size();
    while (start > 0 &&
           std::string_view(" \t\r\n\f").find(html_[start - 1]) != std::string_view::npos)
      --start;
    edits_.push_back({start, end - start, ""});
  }

  std::string value(const AttributeSpan& a) const {
    return decode_attribute(html_.substr(a.value_offset, a.value_length), a.raw_value(html_));
  }

  void link(const StartTag& tag, const AttributeSpan& href) {
    const std::size_t index = ++links_;
    const auto* opt = tag.attribute("data-linktrack");
    const auto* name = tag.attribute("data-linktrack-name");
    const std::string url(trim(value(href)));
    if (opt && value(*opt) == "off") {
      remove_attribute(*opt);
      report_.skipped.push_back({url, "opted out (data-linktrack=\"off\")"});
      return;
    }
    if (auto reason = skip_reason(url)) {
      report_.skipped.push_back({url, *reason});
      return;
    }
    if (href.value_length == 0) {
      report_.skipped.push_back({url, "href without a value"});
      return;
    }
    std::string tracked;
    try {
      std::string id = name ? value(*name) : std::string();
      tracked = track_(url, id.empty() ? std::to_string(index) : id);
    } catch (const std::invalid_argument& err) {
      report_.skipped.push_back({url, err.what()});
      return;
    }
    std::string text = escape_attribute(tracked, href.quote);
    if (href.quote) text = href.quote + text + href.quote;
    edits_.push_back({href.value_offset, href.value_length, std::move(text)});
    ++report_.rewritten;
  }

  std::string run(const std::optional<std::string>& pixel_url,
                  const std::optional<std::string>& honeypot_url) {
    const ScanResult scan = scan_start_tags(html_, [this](const StartTag& tag) {
      if (!tag.is("a") && !tag.is("area")) return;
      if (const auto* href = tag.attribute("href")) link(tag, *href);
    });
    if (honeypot_url) {
      std::string a = "<a href=\"" + escape_attribute(*honeypot_url, '"') +
                      "\" style=\"display:none;mso-hide:all\" aria-hidden=\"true\" "
                      "tabindex=\"-1\"></a>";
      edits_.push_back({scan.body_end.value_or(html_.size()), 0, std::move(a)});
      report_.honeypot_added = true;
    }
    if (pixel_url) {
      std::string img = "<img src=\"" + escape_attribute(*pixel_url, '"') +
                        "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;"
                        "width:1px;height:1px\">";
      edits_.push_back({scan.body_end.value_or(html_.size()), 0, std::move(img)});
      report_.pixel_added = true;
    }
    std::stable_sort(edits_.begin(), edits_.end(),
                     [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
    std::string result;
    std::size_t grows = 0;
    for (const auto& e : edits_) grows += e.text.size();
    result.reserve(html_.size() + grows);
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
  std::size_t links_ = 0;
};

}  // namespace

std::string rewrite_html(std::string_view html, const TrackFn& track,
                         const std::optional<std::string>& pixel_url, RewriteReport& report,
                         const std::optional<std::string>& honeypot_url) {
  return Rewriter(html, track, report).run(pixel_url, honeypot_url);
}

}  // namespace linktrack::rewrite
