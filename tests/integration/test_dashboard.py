"""The dashboard (/ui on the admin listener) through the real binary: sign-in, sessions, CSRF
and Origin checks over plain HTTP, then every page in headless Chromium (Debian's chromium and
chromium-driver through python3-selenium) on a seeded log: the numbers shown equal the API's,
charts draw pixels, no console errors, live events arrive, sign-out ends the session. A
screenshot of each page, at 1440 px and at phone width, goes to build/ui-screenshots/."""

import http.client
import json
import os
import re
import sqlite3
import ssl
import time
import urllib.parse

from harness import BINARY, Server, TempDir, free_port, main, make_cert, run, write
from test_api import ADMIN_SECRET, BROWSER, MINT_SECRET, READ_SECRET, api_config
from test_server import A, B, Setup

os.environ.setdefault("LT_API_SECRET", "env-secret-0123456789abcdef")
SHOTS = os.path.join(os.path.dirname(os.path.abspath(BINARY)), "ui-screenshots")
HOUR = 3600 * 1000


def seed(db, now_ms):
    """Events over the last six days: two campaigns of three links, people and machines with
    their reasons, an event without a campaign, and what a re-scoring changed."""
    con = sqlite3.connect(db)
    rows = []
    i = 0
    for hour in range(6 * 24):
        t = now_ms - (6 * 24 - hour) * HOUR + 60000
        for n in range(1 + hour % 4):
            i += 1
            campaign = "spring" if i % 3 else "autumn"
            kind = "open" if i % 5 == 0 else "click"
            verdict, reasons = "human", ""
            if i % 7 == 0:
                verdict, reasons = "bot", "ua:apple-mpp net:apple"
            elif i % 11 == 0:
                verdict, reasons = "suspect", "fast:2s"
            link = "abc"[i % 3]
            rows.append((i, t + n * 1000, kind, A, campaign, "t1", f"m{i // 2}",
                         f"r{i % 37}", link if kind != "open" else None,
                         f"https://shop.example/{campaign}/{link}" if kind != "open" else None,
                         f"198.51.100.{i % 200}",
                         "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)" if verdict == "human"
                         else "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko)",
                         1, (t - 600000) // 1000, verdict, reasons, 0))
    i += 1
    rows.append((i, now_ms - 2 * HOUR, "click", A, None, None, None, None, "x",
                 "https://shop.example/none", "198.51.100.1", "curl/8.0", 1, None, "bot",
                 "ua:curl", 0))
    con.executemany(
        "INSERT INTO events (id, time_ms, kind, host, campaign, template, message, recipient, "
        "link, destination, client_ip, user_agent, key_id, sent_at, verdict, reasons, evidence) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.execute("INSERT OR REPLACE INTO counters (name, value) VALUES ('last_event_id', ?)", (i + 10,))
    con.executemany(
        "INSERT INTO verdict_changes (id, time_ms, event_id, verdict, previous, reasons) "
        "VALUES (?,?,?,?,?,?)",
        [(i + 1, now_ms - HOUR, 7, "bot", "human", "ua:apple-mpp"),
         (i + 2, now_ms - HOUR, 14, "bot", "human", "ua:apple-mpp"),
         (i + 3, now_ms - HOUR, 22, "suspect", "human", "fast:2s")])
    con.commit()
    con.close()
    return i


class Admin:
    """Plain HTTP to the admin listener, cookies kept by hand."""

    def __init__(self, port, tls=False):
        self.port = port
        self.tls = tls
        self.cookies = {}

    def request(self, method, target, body=None, headers=None):
        if self.tls:
            c = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30,
                                            context=ssl._create_unverified_context())
        else:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, target, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        for line in r.msg.get_all("Set-Cookie") or []:
            name, value = line.split(";", 1)[0].split("=", 1)
            if "Max-Age=0" in line:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return r.status, r, data.decode("utf-8", "replace")

    def origin(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def sign_in(self, secret, origin=None):
        status, _, page = self.request("GET", "/ui/signin")
        assert status == 200, status
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        return self.request("POST", "/ui/signin", {"csrf": token, "key": secret, "next": "/ui"},
                            headers={"Origin": origin or self.origin()})


def api(port, target, secret=READ_SECRET):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", target, headers={"Authorization": "Bearer " + secret})
    r = c.getresponse()
    body = r.read()
    assert r.status == 200, (target, r.status, body[:300])
    return json.loads(body)


def setup(tmp, extra=""):
    s = Setup(tmp, extra=api_config() + extra)
    run("migrate", "-c", s.config, check=True)
    s.last_id = seed(s.db, int(time.time() * 1000))
    return s


def test_sign_in_sessions_and_forms():
    with TempDir() as tmp:
        s = setup(tmp)
        with Server(s.config, s.https):
            a = Admin(s.admin)
            # No session: pages send the browser to sign in and back; scripts get 401.
            status, r, _ = a.request("GET", "/ui/machines?range=24h")
            assert status == 303 and r.getheader("Location") == \
                "/ui/signin?next=%2Fui%2Fmachines%3Frange%3D24h", r.getheaders()
            assert a.request("GET", "/ui/live?after=0")[0] == 401
            assert a.request("GET", "/ui/export?campaign=spring&format=csv")[0] == 401
            # The sign-in form's token is bound to its cookie, and the Origin must be ours.
            status, r, page = a.request("GET", "/ui/signin")
            assert status == 200 and 'name="csrf"' in page
            signin_cookie = r.getheader("Set-Cookie")
            assert "HttpOnly" in signin_cookie and "SameSite=Strict" in signin_cookie
            assert "Secure" not in signin_cookie  # plain http here; see the TLS test
            assert "default-src 'none'" in r.getheader("Content-Security-Policy")
            token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            status, _, page = a.request("POST", "/ui/signin", {"csrf": token, "key": READ_SECRET},
                                        headers={"Origin": "https://evil.example"})
            assert status == 403 and "linktrack_session" not in a.cookies, status
            status, _, _ = a.request("POST", "/ui/signin", {"csrf": "forged", "key": READ_SECRET})
            assert status == 403 and "linktrack_session" not in a.cookies
            # Wrong key, a key without read, then the right one.
            status, _, page = a.sign_in("not-a-key-0123456789")
            assert status == 401 and "not valid" in page
            status, _, page = a.sign_in(MINT_SECRET)
            assert status == 403 and "lacks the read scope" in page
            status, r, _ = a.sign_in(READ_SECRET)
            assert status == 303 and r.getheader("Location") == "/ui", (status, r.getheaders())
            session_cookie = [c for c in r.msg.get_all("Set-Cookie")
                              if c.startswith("linktrack_session=")][0]
            for attribute in ("HttpOnly", "SameSite=Strict", "Path=/ui"):
                assert attribute in session_cookie, session_cookie
            status, _, page = a.request("GET", "/ui")
            assert status == 200 and "Overview" in page and "Sign out" in page
            # Every table is in the HTML itself: nothing needs JavaScript to be read.
            assert '<table id="campaigns">' in page and ">spring</a>" in page, page[:2000]
            assert '<table id="live"' in page and page.count('<tr data-id="') == 20
            # A next= elsewhere is not followed.
            b = Admin(s.admin)
            status, _, page = b.request("GET", "/ui/signin?next=//evil.example/")
            token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            status, r, _ = b.request("POST", "/ui/signin",
                                     {"csrf": token, "key": READ_SECRET,
                                      "next": "//evil.example/"})
            assert status == 303 and r.getheader("Location") == "/ui"
            # Export through the API: the campaign's events as CSV, every verdict.
            status, r, csv = a.request("GET", "/ui/export?campaign=spring&format=csv")
            assert status == 200 and r.getheader("Content-Type").startswith("text/csv")
            assert 'filename="spring.csv"' in r.getheader("Content-Disposition")
            con = sqlite3.connect(s.db)
            spring = con.execute("SELECT count(*) FROM events WHERE campaign='spring'").fetchone()[0]
            assert len(csv.strip().splitlines()) == spring + 1, (len(csv.splitlines()), spring)
            # Sign-out needs the session's token and Origin; then the session is gone on the server.
            session = a.cookies["linktrack_session"]
            status, _, _ = a.request("POST", "/ui/signout", {"csrf": "forged"})
            assert status == 403
            csrf = re.search(r'name="csrf" value="([^"]+)"', a.request("GET", "/ui")[2]).group(1)
            status, _, _ = a.request("POST", "/ui/signout", {"csrf": csrf},
                                     headers={"Origin": "http://evil.example"})
            assert status == 403
            status, r, _ = a.request("POST", "/ui/signout", {"csrf": csrf},
                                     headers={"Origin": a.origin()})
            assert status == 303 and r.getheader("Location") == "/ui/signin"
            assert "linktrack_session" not in a.cookies
            a.cookies["linktrack_session"] = session  # the old cookie no longer works
            assert a.request("GET", "/ui")[0] == 303
            status, r, _ = a.request("DELETE", "/ui/signin")
            assert status == 405 and r.getheader("Allow") == "GET, POST", r.getheaders()
            assert a.request("GET", "/ui/nothing-here")[0] == 404
            # The files it serves, the licence and the metrics.
            status, r, js = a.request("GET", "/ui/static/chart.min.js")
            assert status == 200 and "Chart.js v3.9" in js[:200]
            assert a.request("GET", "/favicon.ico")[0] == 200
            c = Admin(s.admin)
            c.sign_in(ADMIN_SECRET)
            status, _, page = c.request("GET", "/ui/licenses")
            assert status == 200 and "MIT" in page and "Permission is hereby granted" in page
            metrics = c.request("GET", "/metrics")[2]
            assert 'linktrack_ui_requests_total{page="signin",status="303"}' in metrics, metrics
            assert re.search(r"^linktrack_ui_sessions [1-9]", metrics, re.M), metrics


def test_secure_cookies_over_tls_and_key_removal():
    with TempDir() as tmp:
        s = setup(tmp)
        cert = make_cert(tmp, "admin.test")
        text = open(s.config).read().replace(
            f'admin: "127.0.0.1:{s.admin}"',
            f'admin: "127.0.0.1:{s.admin}"\n  admin_tls: {{cert: {cert[0]}, key: {cert[1]}}}')
        write(s.config, text)
        with Server(s.config, s.https) as server:
            a = Admin(s.admin, tls=True)
            status, r, _ = a.sign_in(READ_SECRET)
            assert status == 303, status
            for line in r.msg.get_all("Set-Cookie"):
                assert "; Secure" in line, line
            assert a.request("GET", "/ui/domains")[0] == 200
            # A reload that removes the key ends its sessions.
            write(s.config, open(s.config).read().replace(
                f'- {{id: analyst, secret: "{READ_SECRET}", scopes: [read]}}', ""))
            server.send(1)  # SIGHUP
            deadline = time.time() + 10
            while a.request("GET", "/ui/domains")[0] != 303:
                assert time.time() < deadline, "the removed key's session still works"
                time.sleep(0.2)


def metric(port, name):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    m = re.search(rf"^{name} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def test_summary_follows_the_log():
    """The server's summarizer catches up with the seeded log, and its answers (estimate=1)
    equal those read from every event, also after `forget` changed summarized hours."""
    with TempDir() as tmp:
        s = setup(tmp)
        with Server(s.config, s.https):
            deadline = time.time() + 30
            while metric(s.admin, "linktrack_summarizer_lag_events") != 0 or \
                    not metric(s.admin, "linktrack_summarizer_steps_total"):
                assert time.time() < deadline, "the summarizer did not catch up"
                time.sleep(0.2)
            assert metric(s.admin, "linktrack_summarizer_events_total") == s.last_id

            def same(after=""):
                for query in ("", "&by=hour", "&by=campaign", "&by=link&campaign=spring",
                              "&by=day&campaign=autumn", "&by=reason", "&by=verdict"):
                    target = "/api/v1/stats?since=10d" + query
                    raw = api(s.admin, target)
                    fast = api(s.admin, target + "&estimate=1")
                    if "by=reason" in query or "by=verdict" in query:
                        for row in raw + fast:
                            row["unique_clicks"] = row["unique_opens"] = 0
                            row["click_to_open_rate"] = None
                    assert fast == raw, (after, query, fast[:3], raw[:3])
            same()
            # The CLI's --estimate reads the same summary.
            since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 10 * 86400))
            cli = json.loads(run("stats", "-c", s.config, "--since", since, "--by", "campaign",
                                 "--estimate", "--format", "json", check=True).stdout)
            assert cli == api(s.admin, f"/api/v1/stats?since={since}&by=campaign&estimate=1"), cli
            run("forget", "-c", s.config, "--recipient", "r5", check=True)
            # Every hour forget changed is recomputed (the metric counts them), then the summary
            # equals the log again.
            con = sqlite3.connect(s.db)
            deadline = time.time() + 60
            while con.execute("SELECT count(*) FROM summary_dirty").fetchone()[0] > 0 or \
                    not metric(s.admin, "linktrack_summarizer_recomputed_total"):
                assert time.time() < deadline, "forget's hours were not recomputed"
                time.sleep(0.2)
            con.close()
            same("after forget")


def browser(width=1440, height=1000):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=en-GB"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def console_errors(driver):
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def drawn_pixels(driver, canvas_id):
    return driver.execute_script(
        "const c = document.getElementById(arguments[0]);"
        "if (!c || !c.width) return 0;"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;", canvas_id)


def tiles(driver):
    from selenium.webdriver.common.by import By
    out = {}
    for t in driver.find_elements(By.CSS_SELECTOR, ".tile"):
        out[t.find_element(By.TAG_NAME, "dt").text] = \
            t.find_element(By.TAG_NAME, "dd").text.split("\n")[0]
    return out


def table(driver, table_id):
    """The rows' cell texts, read at once (the live table changes under a reader)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
        ".map(tr => Array.from(tr.querySelectorAll('th, td')).map(c => c.innerText.trim()));",
        table_id)


def period(driver):
    """The page's period as the API takes it: the same whole hours."""
    return driver.execute_script(
        "return 'since=' + encodeURIComponent(document.body.dataset.since) + "
        "'&until=' + encodeURIComponent(document.body.dataset.until)")


def n(value):
    return f"{value:,}"


def ragged_tables(driver):
    """Tables whose rows do not have as many cells as the header has columns."""
    return driver.execute_script("""
        const bad = [];
        for (const t of document.querySelectorAll('table')) {
          const width = t.querySelectorAll('thead th').length;
          for (const tr of t.querySelectorAll('tbody tr')) {
            let n = 0;
            for (const c of tr.children) n += c.colSpan || 1;
            if (n !== width) bad.push((t.id || '?') + ': ' + n + ' cells, ' + width + ' columns');
          }
        }
        return bad;""")


def shoot(driver, name):
    assert not ragged_tables(driver), (name, ragged_tables(driver))
    os.makedirs(SHOTS, exist_ok=True)
    # The whole page, as tall as it is.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.set_window_size(max(width, 360), min(max(height + 140, 800), 6000))
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def test_pages_in_chromium():
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    with TempDir() as tmp:
        s = setup(tmp)
        make_cert(tmp, B, days=10)  # B's certificate runs out soon: red on the domains page
        with Server(s.config, s.https):
            base = f"http://127.0.0.1:{s.admin}"
            d = browser()
            try:
                wait = WebDriverWait(d, 15)
                # Without a session: the sign-in form, then back to where it was going.
                d.get(base + "/ui/machines")
                wait.until(lambda d: "/ui/signin" in d.current_url)
                shoot(d, "signin")
                d.set_window_size(1440, 1000)
                d.find_element(By.ID, "key").send_keys(READ_SECRET)
                d.find_element(By.CSS_SELECTOR, "form.card button").click()
                wait.until(lambda d: d.current_url.startswith(base + "/ui/machines"))

                # Overview: figures as the API's (read from every event, exact), both charts
                # drawn, campaigns ranked.
                d.get(base + "/ui?range=7d&tz=0")
                week = period(d)
                total = api(s.admin, f"/api/v1/stats?{week}")[0]
                wait.until(lambda d: drawn_pixels(d, "clicks") > 500)
                assert drawn_pixels(d, "opens") > 500
                t = tiles(d)
                assert t["Human clicks"] == n(total["clicks"]), (t, total)
                assert t["Unique humans"] == n(total["unique_clicks"]), (t, total)
                assert t["Human opens"] == n(total["opens"]), (t, total)
                assert t["Click-to-open"] == f"{total['click_to_open_rate'] * 100:.1f}%", t
                assert t["Machine clicks"] == n(total["suspect_clicks"] + total["bot_clicks"]), t
                by_campaign = {r["campaign"]: r for r in api(s.admin, f"/api/v1/stats?{week}&by=campaign")}
                rows = table(d, "campaigns")
                assert [r[0] for r in rows] == ["spring", "autumn", "no campaign"], rows
                for r in rows[:2]:
                    c = by_campaign[r[0]]
                    assert r[1] == n(c["clicks"]) and r[2] == n(c["opens"]), (r, c)
                    assert r[3] == n(c["suspect_clicks"] + c["bot_clicks"]), (r, c)
                # The chart's table holds the same numbers: its clicks add up to the API's.
                data = json.loads(d.find_element(By.ID, "clicks-data").get_attribute("textContent"))
                assert [sr["label"] for sr in data["series"]] == ["Human", "Suspect", "Bot"]
                assert len({sr["color"] for sr in data["series"]}) == 3
                assert sum(data["series"][0]["values"]) == total["clicks"]
                assert sum(data["series"][2]["values"]) == total["bot_clicks"]
                live = table(d, "live")
                assert len(live) == 20, live
                assert not console_errors(d), console_errors(d)
                shoot(d, "overview")
                d.set_window_size(1440, 1000)

                # A click arrives: the newest events show it without a reload.
                url = s.sign(A, "https://shop.example/live", "--campaign", "live-check")
                status, _, _ = s.curl(url, "-H", "User-Agent: " + BROWSER["User-Agent"],
                                      "-H", "Accept: text/html", "-H", "Accept-Language: en")
                assert status == 302, status
                wait = WebDriverWait(d, 20)
                wait.until(lambda d: "live-check" in table(d, "live")[0])
                assert "new since this page loaded" in d.find_element(By.ID, "live-status").text

                # The viewer's zone: the same event two hours later on the clock at UTC+02:00.
                d.get(base + "/ui?range=7d&tz=120")
                shifted = table(d, "live")[0][0]
                d.get(base + "/ui?range=7d&tz=0")
                utc = table(d, "live")[0][0]
                parse = lambda v: time.mktime(time.strptime(v, "%Y-%m-%d %H:%M:%S"))
                assert parse(shifted) - parse(utc) == 7200, (shifted, utc)
                assert "times in UTC" in d.find_element(By.TAG_NAME, "footer").text

                # A campaign: its links with destinations, as the API's by=link.
                d.find_element(By.LINK_TEXT, "spring").click()
                wait.until(lambda d: drawn_pixels(d, "campaign-clicks") > 500)
                week = period(d)
                links = {r["link"]: r for r in api(s.admin, f"/api/v1/stats?{week}&campaign=spring&by=link")}
                rows = table(d, "links")
                assert sorted(r[0] for r in rows) == sorted(links), (rows, links)
                for r in rows:
                    l = links[r[0]]
                    assert r[1] == (l["destination"] or "none (opens only)"), (r, l)
                    assert r[2] == n(l["clicks"]) and r[3] == n(l["unique_clicks"]), (r, l)
                    assert r[4] == n(l["suspect_clicks"] + l["bot_clicks"]), (r, l)
                camp = api(s.admin, f"/api/v1/stats?{week}&campaign=spring")[0]
                assert tiles(d)["Human clicks"] == n(camp["clicks"])
                hrefs = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "a.button")]
                assert any("format=csv" in h for h in hrefs) and any("format=ndjson" in h for h in hrefs)
                assert not console_errors(d), console_errors(d)
                shoot(d, "campaign")
                d.set_window_size(1440, 1000)

                # Machines: verdicts by reason, networks, agents, and the re-scoring.
                d.get(base + "/ui/machines?range=7d&tz=0")
                week = period(d)
                wait.until(lambda d: drawn_pixels(d, "reasons") > 200)
                reasons = {r["reason"]: r for r in api(s.admin, f"/api/v1/stats?{week}&by=reason")}
                rows = table(d, "reasons-table")
                assert rows and all(r[1] == n(reasons[r[0]]["clicks"] + reasons[r[0]]["opens"])
                                    for r in rows), (rows, reasons)
                assert [r[0] for r in table(d, "networks")] == ["net:apple"]
                agents = table(d, "agents")
                assert agents[0][0].startswith("Mozilla/5.0 (Macintosh)"), agents
                rescored = table(d, "rescored")
                assert ["human \u2192 bot", "2"] in rescored and ["human \u2192 suspect", "1"] in rescored, rescored
                verdicts = {r["verdict"]: r for r in api(s.admin, f"/api/v1/stats?{week}&by=verdict")}
                assert tiles(d)["Bot events"] == n(verdicts["bot"]["clicks"] + verdicts["bot"]["opens"])
                assert not console_errors(d), console_errors(d)
                shoot(d, "machines")
                d.set_window_size(1440, 1000)

                # Domains: certificates with days left, deep-link files, the last click.
                d.get(base + "/ui/domains")
                domains = api(s.admin, "/api/v1/domains")["domains"]
                rows = table(d, "domains")
                assert len(rows) == len(domains)
                first = rows[0]
                assert first[0].startswith(A) and "days left" in first[1], first
                assert first[2] == "Served" and first[3] == "Served", first
                assert first[4].startswith(n(domains[0]["clicks_24h"]["human"])), (first, domains[0])
                assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", first[5]), first
                assert rows[1][0].startswith(B) and rows[1][5] == "none logged", rows[1]
                classes = d.execute_script(
                    "return Array.from(document.querySelectorAll('#domains tbody tr'))"
                    ".map(tr => tr.querySelector('td').className)")
                assert classes[0] == "good" and classes[1] == "bad", classes  # 29 and 9 days
                assert "Renew soon" in rows[1][1] and "9 days left" in rows[1][1], rows[1]
                red = d.execute_script(
                    "return getComputedStyle(document.querySelector('#domains td.bad')).color")
                assert red == "rgb(179, 38, 30)", red
                assert not console_errors(d), console_errors(d)
                shoot(d, "domains")
                d.set_window_size(1440, 1000)

                d.get(base + "/ui/licenses")
                assert "Permission is hereby granted" in d.page_source
                shoot(d, "licenses")

                # A custom period: whole days in the viewer's zone, a bar a day.
                today = time.strftime("%Y-%m-%d", time.gmtime())
                first = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 6 * 86400))
                d.get(base + f"/ui?range=custom&from={first}&to={today}&tz=0")
                data = json.loads(d.find_element(By.ID, "clicks-data").get_attribute("textContent"))
                assert len(data["labels"]) == 7, data["labels"]
                assert d.find_element(By.ID, "range").get_attribute("value") == "custom"
                total = api(s.admin, "/api/v1/stats?" + period(d))[0]
                assert sum(data["series"][0]["values"]) == total["clicks"], (data, total)

                # Contrast: text against what is behind it, at least 4.5:1 (WCAG AA).
                ratios = d.execute_script("""
                    function rgb(c) { return c.match(/[\\d.]+/g).map(Number); }
                    function lum(c) { return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]); }
                    function ch(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
                    function behind(e) {
                      for (; e; e = e.parentElement) {
                        const b = rgb(getComputedStyle(e).backgroundColor);
                        if (b.length < 4 || b[3] > 0) return b;
                      }
                      return [255, 255, 255];
                    }
                    const out = {};
                    for (const sel of ['.verdict.human', '.verdict.suspect', '.verdict.bot', '.note',
                                       'header a', 'thead th', '.tile dt', 'td', 'footer']) {
                      const e = document.querySelector(sel);
                      if (!e) continue;
                      const a = lum(rgb(getComputedStyle(e).color)), b = lum(behind(e));
                      out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                    }
                    return out;""")
                assert len(ratios) >= 8 and all(r >= 4.5 for r in ratios.values()), ratios

                # Keyboard: the skip link comes first and the page is usable by Tab.
                d.set_window_size(1440, 1000)
                d.get(base + "/ui?range=7d&tz=0")
                d.find_element(By.TAG_NAME, "body").send_keys("\ue004")  # Tab
                focused = d.switch_to.active_element
                assert focused.get_attribute("class") == "skip", focused.get_attribute("outerHTML")
                for label in ("range", "tz"):
                    field = d.find_element(By.ID, label)
                    assert field.find_element(By.XPATH, "ancestor::label"), label

                # Phone width: no page wider than the screen.
                d.set_window_size(390, 844)
                for name, path in (("overview", "/ui?range=24h&tz=0"),
                                   ("campaign", "/ui/campaign?name=spring&range=7d&tz=0"),
                                   ("machines", "/ui/machines?range=7d&tz=0"),
                                   ("domains", "/ui/domains")):
                    d.get(base + path)
                    overflow = d.execute_script(
                        "return document.documentElement.scrollWidth - window.innerWidth")
                    assert overflow <= 0, (name, overflow)
                    shoot(d, name + "-phone")
                    d.set_window_size(390, 844)

                # Sign out: back to the form, and the pages need signing in again.
                d.set_window_size(1440, 1000)
                d.get(base + "/ui")
                d.find_element(By.CSS_SELECTOR, "form.signout button").click()
                wait.until(lambda d: "/ui/signin" in d.current_url)
                d.get(base + "/ui/domains")
                wait.until(lambda d: "/ui/signin" in d.current_url)
                assert not console_errors(d), console_errors(d)
            finally:
                d.quit()


if __name__ == "__main__":
    main([test_sign_in_sessions_and_forms, test_secure_cookies_over_tls_and_key_removal,
          test_summary_follows_the_log, test_pages_in_chromium])
