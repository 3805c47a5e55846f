#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "rewrite/html_rewriter.hpp"
#include "test_helpers.hpp"
#include "token/codec.hpp"
#include "util/base64.hpp"

using namespace linktrack;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(LINKTRACK_TEST_DATA) + "/unit/fixtures/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Recorder {
  std::vector<std::pair<std::string, std::string>> calls;  // (url, link id)
  rewrite::TrackFn fn() {
    return [this](const std::string& url, const std::string& id) {
      calls.emplace_back(url, id);
      return "https://t.example/c/MARK" + std::to_string(calls.size() - 1);
    };
  }
};

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("real-world email: the right links are tracked, decoded, and named") {
  const auto html = fixture("email.html");
  Recorder r;
  rewrite::RewriteReport report;
  auto out = rewrite::rewrite_html(html, r.fn(), std::nullopt, report);

  std::map<std::string, std::string> ids;
  for (auto& [url, id] : r.calls) ids[url] = id;
  CHECK(ids.at("https://www.example.com/sale?utm_campaign=spring&ref=email") == "1");
  CHECK(ids.at("https://www.example.com/shoes?size=42&colour=blue&x=1") == "2");
  CHECK(ids.at("https://example.com/unquoted?a=1") == "3");
  CHECK(ids.at("https://example.com/button") == "hero-button");
  CHECK(ids.count("https://example.com/spaced"));
  CHECK(ids.count("https://example.com/area"));
  CHECK(ids.count("https://example.com/caf%C3%A9"));
  CHECK(r.calls.size() == 7);
  CHECK(report.rewritten == 7);

  std::map<std::string, int> reasons;
  for (auto& s : report.skipped) ++reasons[s.reason];
  CHECK(reasons["template placeholder"] == 4);
  CHECK(reasons["mailto"] == 1);
  CHECK(reasons["tel"] == 1);
  CHECK(reasons["sms"] == 1);
  CHECK(reasons["anchor"] == 1);
  CHECK(reasons["relative URL"] == 1);
  CHECK(reasons["opted out (data-linktrack=\"off\")"] == 1);
  // The MSO-only VML button sits in a comment: not an <a>, left as it was.
  CHECK(out.find("<v:roundrect href=\"https://example.com/vml-button\"") != std::string::npos);
}

TEST_CASE("every byte outside the rewritten hrefs stays as it was") {
  const auto html = fixture("email.html");
  Recorder r;
  rewrite::RewriteReport report;
  auto out = rewrite::rewrite_html(html, r.fn(), std::nullopt, report);
  // Quoting is kept: double, single, and none.
  CHECK(out.find("HREF=\"https://t.example/c/MARK0\" TARGET") != std::string::npos);
  CHECK(out.find("href='https://t.example/c/MARK1'>") != std::string::npos);
  CHECK(out.find("href=https://t.example/c/MARK2 class=btn>") != std::string::npos);
  // Put the original raw values back: the document must come back byte for byte, but for the
  // removed data-linktrack="off" attribute.
  const std::vector<std::string> raw = {
      "\"https://www.example.com/sale?utm_campaign=spring&amp;ref=email\"",
      "'https://www.example.com/shoes?size=42&amp;colour=blue&#38;x=1'",
      "https://example.com/unquoted?a=1",
      "\"https://example.com/button\"",
      "\"  https://example.com/spaced  \"",
      "\"https://example.com/area\"",
      "\"https://example.com/caf%C3%A9\""};
  REQUIRE(r.calls.size() == raw.size());
  std::string back = out;
  replace_all(back, "\"https://t.example/c/MARK0\"", raw[0]);
  replace_all(back, "'https://t.example/c/MARK1'", raw[1]);
  replace_all(back, "https://t.example/c/MARK2", raw[2]);
  for (std::size_t i = 3; i < raw.size(); ++i)
    replace_all(back, "\"https://t.example/c/MARK" + std::to_string(i) + "\"", raw[i]);
  std::string expected = html;
  replace_all(expected, " data-linktrack=\"off\"", "");
  CHECK(back == expected);
}

TEST_CASE("rewritten hrefs decode to their original URLs") {
  auto keyring = std::make_shared<const token::Keyring>(
      std::vector<token::Keyring::Secret>{{1, *util::base64_decode(test::kTestSecret)}});
  token::TokenCodec codec(keyring);
  std::vector<std::pair<std::string, std::string>> minted;  // (token, url)
  auto track = [&](const std::string& url, const std::string& id) {
    token::LinkFields f;
    f.issued_at = 1790000000;
    f.url = url;
    f.link = id;
    f.campaign = "42";
    auto t = codec.encode(f, "links.example.com");
    minted.emplace_back(t, url);
    return "https://links.example.com/c/" + t;
  };
  rewrite::RewriteReport report;
  auto out = rewrite::rewrite_html(fixture("email.html"), track, std::nullopt, report);
  REQUIRE(minted.size() == 7);
  for (auto& [t, url] : minted) {
    CHECK(out.find("https://links.example.com/c/" + t) != std::string::npos);
    auto d = codec.decode(t, "links.example.com", 1790000000);
    REQUIRE(d.status == token::DecodeStatus::ok);
    CHECK(d.fields.url == url);
  }
}

TEST_CASE("the open pixel goes just before </body>, or at the end without one") {
  rewrite::RewriteReport report;
  auto none = [](const std::string&, const std::string&) -> std::string { return "x"; };
  auto with = rewrite::rewrite_html("<html><BODY><p>x</p></BODY></html>", none,
                                    std::string("https://l.example/o/T"), report);
  CHECK(with ==
        "<html><BODY><p>x</p><img src=\"https://l.example/o/T\" width=\"1\" height=\"1\" alt=\"\" "
        "style=\"display:block;border:0;width:1px;height:1px\"></BODY></html>");
  auto without =
      rewrite::rewrite_html("<p>no body end", none, std::string("https://l/o/T"), report);
  CHECK(without.rfind("<p>no body end<img src=\"https://l/o/T\"", 0) == 0);
}

TEST_CASE("a refused destination is skipped and reported, not tracked") {
  rewrite::RewriteReport report;
  auto refuse = [](const std::string&, const std::string&) -> std::string {
    throw std::invalid_argument("destination: the URL contains a space");
  };
  const std::string html = "<a href=\"https://example.com/a b\">x</a>";
  CHECK(rewrite::rewrite_html(html, refuse, std::nullopt, report) == html);
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].reason == "destination: the URL contains a space");
}
