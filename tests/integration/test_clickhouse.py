"""Many nodes, one ClickHouse (Debian's clickhouse-server on loopback, its own data directory
and ports): two linktrack nodes take clicks; ClickHouse is killed under load and started again;
afterwards it holds exactly the events both nodes answered (none lost, none twice after
merging), and stats, export and the API through it equal both nodes' spools together. A
re-scored verdict replaces its row; forget on one node reaches ClickHouse and the other node's
spool."""

import http.client
import json
import re
import threading
import time
import urllib.request

from clickhouse_server import ClickHouse
from harness import TempDir, main, run
from test_dashboard import Admin
from test_server import A, ORG, Setup
from test_verdicts import BROWSER, CHROME, Replay
from test_webhooks import wait_until

API_SECRET = "ltk_clickhouse_test_secret_0123456789abcdef"
STAT_FIELDS = ("clicks", "unique_clicks", "opens", "unique_opens", "suspect_clicks",
               "bot_clicks", "suspect_opens", "bot_opens")


def node(tmp, name, ch, extra=""):
    return Setup(tmp, extra=f"""node_id: {name}
analytics:
  clickhouse: {{url: "{ch.url}", database: lt, batch_max: 400, batch_interval_ms: 200}}
api:
  keys:
    - {{id: reader, secret: "{API_SECRET}", scopes: [admin]}}
{extra}""")


def mint(setup, recipients, campaign):
    lines = [json.dumps({"url": f"https://shop.example/p/{i}", "campaign": campaign,
                         "message": f"{campaign}-{i}", "recipient": r, "link": f"l{i % 3}"})
             for i, r in enumerate(recipients)]
    return run("sign", "-c", setup.config, "--domain", ORG, "--batch",
               input="\n".join(lines) + "\n", check=True).stdout.split()


class Clicker(threading.Thread):
    """Clicks every URL over one keep-alive connection, browser-shaped; counts the 302s."""

    def __init__(self, setup, urls):
        super().__init__()
        self.setup, self.urls, self.answered = setup, urls, 0

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.setup.http, timeout=10)
        for url in self.urls:
            conn.request("GET", url.split(ORG, 1)[1],
                         headers=dict(BROWSER, Host=ORG, **{"User-Agent": CHROME}))
            r = conn.getresponse()
            r.read()
            if r.status == 302:
                self.answered += 1
        conn.close()


def click_together(*pairs):
    clickers = [Clicker(setup, urls) for setup, urls in pairs]
    for c in clickers:
        c.start()
    for c in clickers:
        c.join()
    return sum(c.answered for c in clickers)


def metric(setup, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{setup.admin}/metrics", timeout=5).read()
    for line in text.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"no metric {name}")


def caught_up(*setups, rows=0):
    """Nothing waiting in any spool, each node having shipped at least `rows` rows."""
    return all(metric(s, "linktrack_analytics_spool_ids_behind") == 0 and
               metric(s, "linktrack_analytics_up") == 1 and
               metric(s, "linktrack_analytics_shipped_rows_total") >= rows for s in setups)


def local_ids(setup):
    out = run("export", "-c", setup.config, "--local", check=True).stdout
    return [json.loads(line)["id"] for line in out.splitlines()]


def stats(setup, *args):
    out = run("stats", "-c", setup.config, "--format", "json", *args, check=True).stdout
    return json.loads(out)


def summed(rows_a, rows_b, key):
    """Two nodes' stats rows added up group by group."""
    total = {}
    for row in rows_a + rows_b:
        t = total.setdefault(row[key], {f: 0 for f in STAT_FIELDS})
        for f in STAT_FIELDS:
            t[f] += row[f]
    return total


def api_get(setup, path):
    req = urllib.request.Request(f"http://127.0.0.1:{setup.admin}{path}",
                                 headers={"Authorization": f"Bearer {API_SECRET}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read().decode(), dict(r.headers)


def test_two_nodes_lose_nothing_while_clickhouse_is_down():
    with ClickHouse() as ch, TempDir() as t1, TempDir() as t2:
        n1, n2 = node(t1, "n1", ch), node(t2, "n2", ch)
        out = run("migrate", "-c", n1.config, check=True).stdout
        assert "ClickHouse" in out and "schema version 1 (1 migration(s) applied)" in out, out
        again = run("migrate", "-c", n2.config, check=True).stdout
        assert "schema version 1 (0 migration(s) applied)" in again, again
        # Distinct people on each node, two campaigns each.
        urls = {}
        for s, name in ((n1, "a"), (n2, "b")):
            urls[name] = (mint(s, [f"{name}{i}" for i in range(600)], "spring") +
                          mint(s, [f"{name}{i}" for i in range(300)], "summer"))
        thirds = lambda u: (u[:300], u[300:600], u[600:])  # noqa: E731
        a, b = thirds(urls["a"]), thirds(urls["b"])
        with n1.server() as s1, n2.server() as s2:
            answered = click_together((n1, a[0]), (n2, b[0]))
            assert wait_until(lambda: caught_up(n1, n2, rows=300), 20)
            ch.kill()
            answered += click_together((n1, a[1]), (n2, b[1]))  # ClickHouse down, under load
            assert wait_until(lambda: metric(n1, "linktrack_analytics_up") == 0 and
                              metric(n2, "linktrack_analytics_up") == 0, 20)
            # The gauges say what waits (refreshed every second while backing off).
            assert wait_until(lambda: metric(n1, "linktrack_analytics_spool_ids_behind") >= 300, 5)
            assert metric(n2, "linktrack_analytics_lag_seconds") > 0
            time.sleep(2)  # down a while: the shippers back off
            ch.start()
            answered += click_together((n1, a[2]), (n2, b[2]))  # while they catch up
            assert wait_until(lambda: caught_up(n1, n2, rows=900), 60), (s1.output()[-2000:],
                                                                         s2.output()[-2000:])
            assert metric(n1, "linktrack_analytics_failures_total") >= 1
            for s in (s1, s2):
                assert "analytics: ClickHouse at" in s.output() and "failed" in s.output()
                assert "takes events again" in s.output(), s.output()[-2000:]
        assert answered == 2 * 900
        # Exactly the answered events: none lost, none twice once merged.
        assert ch.query("SELECT count() FROM lt.events FINAL").strip() == str(answered)
        ch.query("OPTIMIZE TABLE lt.events FINAL")
        counted = ch.query("SELECT count(), uniqExact(id) FROM lt.events").split()
        assert counted == [str(answered), str(answered)], counted
        in_clickhouse = set(ch.query("SELECT id FROM lt.events").split())
        assert in_clickhouse == set(local_ids(n1)) | set(local_ids(n2))
        # Stats through ClickHouse are both spools' stats together.
        for by in ("campaign", "link", "domain", "verdict"):
            shared = {r[by]: {f: r[f] for f in STAT_FIELDS} for r in stats(n1, "--by", by)}
            assert shared == summed(stats(n1, "--local", "--by", by),
                                    stats(n2, "--local", "--by", by), by), by
        total = stats(n2)[0]  # rapid clicks on one connection: mostly judged suspect
        assert total["clicks"] + total["suspect_clicks"] + total["bot_clicks"] == answered, total
        # export through ClickHouse: every node's events, the export fields, in time order.
        lines = run("export", "-c", n2.config, check=True).stdout.splitlines()
        events = [json.loads(line) for line in lines]
        assert {e["id"] for e in events} == in_clickhouse and len(events) == answered
        assert [(e["time"], e["id"]) for e in events] == sorted((e["time"], e["id"]) for e in events)
        local = {json.loads(line)["id"]: json.loads(line)
                 for line in run("export", "-c", n1.config, "--local", check=True).stdout.splitlines()}
        assert all(local[e["id"]] == e for e in events if e["id"] in local)
        csv = run("export", "-c", n2.config, "--format", "csv", check=True).stdout.splitlines()
        assert len(csv) == answered + 1 and csv[0].startswith("id,time,kind,host")
        # The API reads ClickHouse too: pages through every node's events with the cursor.
        with n2.server():
            seen, after = [], None
            while True:
                body, headers = api_get(n2, "/api/v1/events?limit=700" + (f"&after={after}" if after else ""))
                page = [json.loads(line)["id"] for line in body.splitlines()]
                if not page:
                    break
                seen += page
                after = headers["Linktrack-Next-After"]
                assert after == page[-1]
            assert len(seen) == answered and set(seen) == in_clickhouse
            body, _ = api_get(n2, "/api/v1/stats?by=campaign")
            assert json.loads(body) == stats(n1, "--by", "campaign")
            # The dashboard reads through the same API: every node's clicks, newest events too.
            ui = Admin(n2.admin)
            status, _, _ = ui.sign_in(API_SECRET)
            assert status == 303, status
            status, _, page = ui.request("GET", "/ui?range=30d&tz=0")
            assert status == 200, page[:2000]
            shown = re.search(r"<dt>Human clicks</dt><dd>([\d,]+)", page).group(1)
            assert int(shown.replace(",", "")) == total["clicks"], (shown, total)
            assert page.count('<tr data-id="') == 20
            status, _, page = ui.request("GET", "/ui/campaign?name=spring&range=30d&tz=0")
            assert status == 200 and '<table id="links">' in page, page[:2000]


def test_a_changed_verdict_replaces_its_row():
    with ClickHouse() as ch, TempDir() as tmp:
        setup = node(tmp, "v1", ch)
        with setup.server():
            r = Replay(setup)
            urls = r.mint("v1", ["hero"], 120, honeypot=True)
            r.click("human", "v1", "hero", urls["hero"], "198.51.100.40", CHROME, BROWSER)
            assert wait_until(lambda: caught_up(setup) and
                              ch.query("SELECT verdict FROM lt.events WHERE link = 'hero'").strip() == "human", 20)
            # A scanner follows the hidden link too: the re-scorer turns the click into a bot's,
            # and the shipper sends the row again with the new verdict.
            r.get(urls["honeypot"], "198.51.100.40", CHROME, BROWSER)
            assert wait_until(lambda: ch.query(
                "SELECT verdict FROM lt.events FINAL WHERE link = 'hero'").strip() == "bot", 20)
        rows = ch.query("SELECT id, verdict, reasons FROM lt.events FINAL WHERE link = 'hero' "
                        "FORMAT JSONEachRow").splitlines()
        assert len(rows) == 1, rows
        row = json.loads(rows[0])
        assert any(reason.startswith("honeypot") for reason in row["reasons"]), row
        assert {r["verdict"]: r["clicks"] for r in stats(setup, "--by", "verdict")} == \
               {r["verdict"]: r["clicks"] for r in stats(setup, "--local", "--by", "verdict")}


def test_forget_reaches_clickhouse_and_every_spool():
    with ClickHouse() as ch, TempDir() as t1, TempDir() as t2:
        n1, n2 = node(t1, "f1", ch), node(t2, "f2", ch)
        u1 = mint(n1, ["gone", "stays-1", "gone"], "f")
        u2 = mint(n2, ["gone", "stays-2"], "f")
        with n1.server(), n2.server():
            assert click_together((n1, u1), (n2, u2)) == 5
            assert wait_until(lambda: caught_up(n1, n2) and
                              ch.query("SELECT count() FROM lt.events").strip() == "5", 20)
            out = run("forget", "-c", n1.config, "--recipient", "gone", check=True).stdout
            assert "deleted 2 event(s)" in out and "ClickHouse" in out, out
            recipients = lambda s: {json.loads(line)["recipient"] for line in run(  # noqa: E731
                "export", "-c", s.config, "--local", check=True).stdout.splitlines()}
            assert recipients(n1) == {"stays-1"}
            # The other node removes them from its own spool within a minute.
            assert wait_until(lambda: recipients(n2) == {"stays-2"}, 60)
            assert wait_until(lambda: metric(n2, "linktrack_analytics_forgets_applied_total") >= 1, 10)
            ch.wait_for_mutations()
            left = ch.query("SELECT recipient FROM lt.events FINAL ORDER BY recipient").split()
            assert left == ["stays-1", "stays-2"], left
            # The API's forget does the same.
            req = urllib.request.Request(f"http://127.0.0.1:{n2.admin}/api/v1/forget",
                                         data=json.dumps({"recipient": "stays-1"}).encode(),
                                         headers={"Authorization": f"Bearer {API_SECRET}",
                                                  "Content-Type": "application/json"})
            answer = json.loads(urllib.request.urlopen(req, timeout=30).read())
            assert answer["deleted"] == 0 and answer["clickhouse"] is True, answer
            assert wait_until(lambda: recipients(n1) == set(), 60)
            ch.wait_for_mutations()
            assert ch.query("SELECT recipient FROM lt.events FINAL").split() == ["stays-2"]


def test_retention_drops_old_months_and_status_reports_the_shipping():
    with ClickHouse() as ch, TempDir() as tmp:
        setup = node(tmp, "r1", ch, extra="privacy: {retention_days: 30}\n")
        run("migrate", "-c", setup.config, check=True)
        # A month long past the retention, as an older node would have left it.
        ch.query("INSERT INTO lt.events (id, time, time_ms, kind, host, reasons, node, version) "
                 "VALUES ('old:1', '2020-01-15 00:00:00', 1579046400000, 'click', 'h', [], "
                 "'old', 1)")
        urls = mint(setup, ["p1"], "r")
        with setup.server():
            assert click_together((setup, urls)) == 1
            assert wait_until(lambda: metric(setup, "linktrack_analytics_shipped_rows_total") == 1
                              and metric(setup, "linktrack_analytics_partitions_dropped_total") == 1,
                              20)
        left = ch.query("SELECT id FROM lt.events").split()
        assert len(left) == 1 and left[0].startswith("r1:"), left
        status = run("analytics", "status", "-c", setup.config, "--format", "json")
        assert status.returncode == 0, status.stderr
        s = json.loads(status.stdout)
        assert s["reachable"] and s["schema_current"] and s["node_id"] == "r1", s
        assert s["shipped_rows"] == 1 and s["ids_behind"] == 0 and s["lag_seconds"] == 0, s
        table = run("analytics", "status", "-c", setup.config, check=True).stdout
        assert "schema 1" in table and "1 row(s) shipped" in table, table


def test_config_errors_name_the_key():
    with TempDir() as tmp:
        setup = Setup(tmp, extra="""analytics:
  clickhouse: {url: "ftp://ch.test/", database: "lt; DROP", password: a, password_env: B}
""")
        out = run("check-config", "-c", setup.config)
        assert out.returncode == 1
        for key in ("analytics.clickhouse.url", "analytics.clickhouse.database",
                    "analytics.clickhouse"):
            assert key in out.stderr, out.stderr


def test_clickhouse_down_at_start_keeps_clicks_in_the_spool():
    with TempDir() as tmp:
        # Nothing listens there: every insert fails; the server answers clicks all the same.
        with ClickHouse() as ch:
            url = ch.url
        setup = Setup(tmp, extra=f"""analytics:
  clickhouse: {{url: "{url}", batch_interval_ms: 0, timeout_ms: 1000}}
""")
        urls = mint(setup, ["x1", "x2", "x3"], "down")
        with setup.server() as server:
            assert click_together((setup, urls)) == 3
            assert wait_until(lambda: metric(setup, "linktrack_analytics_failures_total") >= 1, 10)
            assert metric(setup, "linktrack_analytics_up") == 0
            assert wait_until(lambda: metric(setup, "linktrack_analytics_spool_ids_behind") == 3, 10)
            assert "analytics: ClickHouse at" in server.output()
        assert len(local_ids(setup)) == 3
        status = run("analytics", "status", "-c", setup.config)
        assert status.returncode == 1 and "not answering" in status.stdout, status
        assert "3 log id(s) waiting" in status.stdout and "failure(s)" in status.stdout, status.stdout


if __name__ == "__main__":
    main([test_two_nodes_lose_nothing_while_clickhouse_is_down, test_a_changed_verdict_replaces_its_row,
          test_forget_reaches_clickhouse_and_every_spool,
          test_retention_drops_old_months_and_status_reports_the_shipping,
          test_config_errors_name_the_key,
          test_clickhouse_down_at_start_keeps_clicks_in_the_spool])
