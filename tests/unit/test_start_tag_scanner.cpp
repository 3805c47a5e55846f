#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "link_oracle.hpp"
#include "rewrite/start_tag_scanner.hpp"

using namespace linktrack;

namespace {

using test::gumbo_links;
using test::scanner_links;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(LINKTRACK_TEST_DATA) + "/unit/fixtures/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("scanner: attribute positions, quoting, duplicates and case") {
  const std::string html =
      "<A HREF='https://x/1' Href=\"dup\" data-linktrack-name=n1>"
      "<area href=https://x/2/>"
      "<a\thref = \"https://x/3\"/><a href>";
  std::vector<std::string> values;
  std::vector<char> quotes;
  rewrite::scan_start_tags(html, [&](const rewrite::StartTag& tag) {
    const auto* href = tag.attribute("href");
    REQUIRE(href);
    values.emplace_back(href->raw_value(html));
    quotes.push_back(href->quote);
  });
  CHECK(values == std::vector<std::string>{"https://x/1", "https://x/2/", "https://x/3", ""});
  CHECK(quotes == std::vector<char>{'\'', 0, '"', 0});
}

TEST_CASE("scanner: no tags inside comments, raw text, script or CDATA") {
  const std::vector<std::string> hidden = {
      "<!-- <a href=x> -->",
      "<!--[if mso]><a href=x><![endif]-->",
      "<style>p{} <a href=x></style>",
      "<STYLE>a</Style <a href=x>",  // `</Style <` is the end tag; its attribute is not a link
      "<title><a href=x></title>",
      "<textarea><a href=x></textarea>",
      "<script>if (a<b) '<a href=x>'</script>",
      "<script><!-- <script> </script> <a href=x> --></script>",
      "<svg><![CDATA[ <a href=x> ]]></svg>",
      "<plaintext><a href=x></plaintext><a href=y>",
      "<a href='x",  // cut off by the end of the document: not a tag
      "<!--> <a href=x>",
  };
  for (const auto& html : hidden) {
    INFO(html);
    auto ours = scanner_links(html);
    CHECK(ours == gumbo_links(html));
    if (html.find("</Style <a") != std::string::npos || html.find("<!-->") == 0) continue;
    CHECK(ours.empty());
  }
  CHECK(scanner_links("<!--> <a href=x>").size() == 1);  // <!--> is a whole comment
}

TEST_CASE("scanner: the first </body> is where the body ends") {
  std::optional<std::size_t> end;
  scanner_links("<body><p>a</p></BODY ></body>", &end);
  CHECK(end == std::size_t{14});
  scanner_links("<body><style></body></style>", &end);
  CHECK(!end);
}

TEST_CASE("scanner agrees with gumbo on the real-world email fixture") {
  const auto html = fixture("email.html");
  const auto ours = scanner_links(html);
  CHECK(ours.size() >= 10);
  CHECK(ours == gumbo_links(html));
}

TEST_CASE("scanner agrees with gumbo on generated tag soup") {
  // Fragments of real mail and of the tokenizer's corner cases, strung together at random.
  const std::vector<std::string> parts = {"<a href=\"https://x/1\">",
                                          "<A HREF='https://x/2'>",
                                          "<a href=https://x/3>",
                                          "</a>",
                                          "<area href=\"https://x/4\">",
                                          "<a\nhref=\"https://x/5\" href=\"https://x/6\">",
                                          "<a href = x7 title=\"a > b\">",
                                          "<a/href=x8>",
                                          "<a href=x9/>",
                                          "<a =href=x10 href=x11>",
                                          "<table>",
                                          "<tr>",
                                          "<td>",
                                          "</td>",
                                          "</tr>",
                                          "</table>",
                                          "<p>",
                                          "</p>",
                                          "<div>",
                                          "</div>",
                                          "<!--",
                                          "-->",
                                          "--!>",
                                          "<!-->",
                                          "<!--->",
                                          "<!--[if mso]>",
                                          "<![endif]-->",
                                          "<!DOCTYPE html>",
                                          "<!doctype html public \"a>b\">",
                                          "<?xml version=\"1.0\"?>",
                                          "</>",
                                          "</ x>",
                                          "<",
                                          ">",
                                          "\"",
                                          "'",
                                          "=",
                                          " ",
                                          "\n",
                                          "text",
                                          "&amp;",
                                          "-",
                                          "--",
                                          "<br/>",
                                          "<img src=x>",
                                          "<style>",
                                          "</style>",
                                          "</style ",
                                          "<script>",
                                          "</script>",
                                          "<!-- <script>",
                                          "<script type=x>",
                                          "<textarea>",
                                          "</textarea>",
                                          "<title>",
                                          "</title>",
                                          "<xmp>",
                                          "</xmp>",
                                          "<iframe>",
                                          "</iframe>",
                                          "<noembed>",
                                          "</noembed>",
                                          "<noframes>",
                                          "</noframes>",
                                          "<svg>",
                                          "</svg>",
                                          "<svg/>",
                                          "<foreignObject>",
                                          "</foreignObject>",
                                          "<desc>",
                                          "</desc>",
                                          "<![CDATA[",
                                          "]]>",
                                          "<math>",
                                          "</math>",
                                          "<mi>",
                                          "</mi>",
                                          "<b>",
                                          "<font color=red>",
                                          "<template>",
                                          "</template>",
                                          "<body>",
                                          "</body>",
                                          "<html>",
                                          "</html>",
                                          "<head>",
                                          "</head>",
                                          "<center>",
                                          "<span>",
                                          "<em>",
                                          "<v:roundrect href=\"https://x/vml\">",
                                          "<noscript>",
                                          "</noscript>"};
  const auto foreign = [](const std::string& html) {
    return html.find("<svg") != std::string::npos || html.find("<math") != std::string::npos;
  };
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<std::size_t> pick(0, parts.size() - 1);
  std::uniform_int_distribution<int> length(1, 60);
  int html_docs = 0, foreign_docs = 0, foreign_agreed = 0;
  for (int doc = 0; doc < 6000; ++doc) {
    std::string html;
    for (int n = length(rng); n > 0; --n) html += parts[pick(rng)];
    const bool same = scanner_links(html) == gumbo_links(html);
    if (foreign(html)) {
      ++foreign_docs;
      foreign_agreed += same;
    } else {
      ++html_docs;
      INFO(html);
      CHECK(same);
    }
  }
  CHECK(html_docs > 1000);
  // Inside svg/math the scanner does not model the tree builder's implied end tags and scopes
  // (see start_tag_scanner.hpp); mail carries no svg or math, so a rare miss there is accepted.
  INFO(foreign_agreed << " of " << foreign_docs << " documents with svg/math agree");
  CHECK(foreign_agreed >= foreign_docs * 99 / 100);
}
