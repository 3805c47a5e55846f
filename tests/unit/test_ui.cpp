// The dashboard's pure parts: periods and buckets in the viewer's zone, sessions, parameters
// and cookies, and HTML escaping.
#include <catch2/catch.hpp>

#include "ui/dashboard.hpp"
#include "ui/html.hpp"
#include "ui/request.hpp"
#include "ui/session_table.hpp"
#include "ui/time_range.hpp"
#include "util/time_text.hpp"

using namespace linktrack;

namespace {
std::int64_t at(const char* rfc3339) {
  return *util::parse_rfc3339_ms(rfc3339);
}
}  // namespace

TEST_CASE("ui: the period and its buckets in the viewer's zone") {
  const auto now = at("2026-12-03T10:30:00Z");
  auto r = ui::time_range(ui::Params("range=24h&tz=60"), now, 0);
  CHECK(r.name == "24h");
  CHECK(r.until_ms == at("2026-12-03T11:00:00Z"));  // whole hours, to the end of this one
  CHECK(r.since_ms == at("2026-12-02T11:00:00Z"));
  CHECK(r.hourly);
  CHECK(r.offset_minutes == 60);
  auto b = ui::buckets(r);
  REQUIRE(b.size() == 24);
  CHECK(b.front().label == "Dec 2 12:00");  // 11:00 UTC at UTC+01:00
  CHECK(b.front().start_ms == at("2026-12-02T11:00:00Z"));
  CHECK(ui::bucket_index(r, b, ui::hour_start_ms("2026-12-03T09")) == 22);

  // Custom dates are whole local days, both ends included.
  r = ui::time_range(ui::Params("range=custom&from=2026-11-01&to=2026-11-30&tz=-300"), now, 0);
  CHECK(r.since_ms == at("2026-11-01T05:00:00Z"));
  CHECK(r.until_ms == at("2026-12-01T05:00:00Z"));
  CHECK_FALSE(r.hourly);
  b = ui::buckets(r);
  REQUIRE(b.size() == 30);
  CHECK(b[0].label == "Nov 1");
  // 04:00 UTC on Nov 2 is 23:00 on Nov 1 at UTC−05:00.
  CHECK(ui::bucket_index(r, b, ui::hour_start_ms("2026-11-02T04")) == 0);
  CHECK(ui::bucket_index(r, b, ui::hour_start_ms("2026-11-02T05")) == 1);
  CHECK(ui::bucket_index(r, b, ui::hour_start_ms("2026-12-01T05")) == -1);
  CHECK(ui::range_query(r) == "range=custom&from=2026-11-01&to=2026-11-30&tz=-300");

  // Bad dates fall back to seven days, and say why; a bad zone is ignored.
  r = ui::time_range(ui::Params("range=custom&from=2026-13-01&to=x&tz=9999"), now, 120);
  CHECK(r.name == "7d");
  CHECK_FALSE(r.error.empty());
  CHECK(r.offset_minutes == 120);
  r = ui::time_range(ui::Params("range=custom&from=2026-11-30&to=2026-11-01"), now, 0);
  CHECK_FALSE(r.error.empty());
  CHECK(ui::parse_offset("-300") == -300);
  CHECK_FALSE(ui::parse_offset("841"));
  CHECK_FALSE(ui::parse_offset("60x"));
  CHECK(ui::offset_name(330) == "UTC+05:30");
  CHECK(ui::offset_name(0) == "UTC");
  CHECK(ui::local_time(at("2026-12-03T23:30:05Z"), 60) == "2026-12-04 00:30:05");
  CHECK(ui::hour_start_ms("2026-12-03T24") == -1);
}

TEST_CASE("ui: sessions end when idle, at sign-out and when their key goes") {
  ui::SessionTable t;
  auto s = t.open("analyst", 2, 1000);
  CHECK(s.id.size() == 43);  // 256 bits, base64url
  CHECK(s.csrf != s.id);
  CHECK(t.use(s.id, 2000, 5000));
  CHECK(t.use(s.id, 6999, 5000));         // used at 2000: still within the idle time
  CHECK_FALSE(t.use(s.id, 12000, 5000));  // idle past it: gone
  CHECK_FALSE(t.use(s.id, 12001, 1000000));
  auto a = t.open("a", 2, 0), b = t.open("b", 2, 0);
  t.close(a.id);
  CHECK_FALSE(t.use(a.id, 1, 1000));
  t.retain([](const ui::Session& x) { return x.key_id != "b"; });
  CHECK_FALSE(t.use(b.id, 1, 1000));
  CHECK(t.size() == 0);
}

TEST_CASE("ui: parameters, cookies and escaping") {
  ui::Params p("name=spring+sale&x=%3Cb%3E&name=second&empty=");
  CHECK(p.get("name") == "spring sale");
  CHECK(p.get("x") == "<b>");
  CHECK(p.get_or("empty", "d") == "d");
  CHECK_FALSE(p.get("missing"));
  CHECK_FALSE(ui::Params("").get("a"));
  CHECK(ui::cookie_value("a=1; linktrack_session=abc; b=2", "linktrack_session") == "abc");
  CHECK_FALSE(ui::cookie_value("xlinktrack_session=abc", "linktrack_session"));
  CHECK(ui::escape("<a href=\"x\">'&") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;");
  CHECK(ui::json_block("{\"a\":\"</script>\"}") == "{\"a\":\"\\u003c/script>\"}");
  CHECK(ui::count(1234567) == "1,234,567");
  CHECK(ui::count(-1000) == "-1,000");
  CHECK(ui::percent(ui::share(1, 3)) == "33.3%");
  CHECK(ui::percent(ui::share(1, 0)) == "\u2013");
  CHECK(ui::url_encode("a b/&") == "a%20b%2F%26");
  CHECK(ui::is_dashboard_path("/ui"));
  CHECK(ui::is_dashboard_path("/ui/static/app.js"));
  CHECK(ui::is_dashboard_path("/favicon.ico"));
  CHECK_FALSE(ui::is_dashboard_path("/uix"));
  CHECK_FALSE(ui::is_dashboard_path("/api/v1/stats"));
}
