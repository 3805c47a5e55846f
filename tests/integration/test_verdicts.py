"""Click truth through the real server: a labelled replay of people and machines, built from how
browsers, link previews, HTTP libraries and mail security gateways are documented to behave
(sources in config/bots.yaml), sent over HTTPS from the networks they use (X-Forwarded-For from
a trusted proxy), then judged by the server, its re-scorer and `rescore`, and read back with
`export`, `stats` and `explain`."""

import csv
import io
import json
import re
import http.client
import signal
import socket
import ssl
import time

from harness import Server, TempDir, main, run
from test_server import A, Setup

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_17 = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1")
SAFARI_15 = ("Mozilla/5.0 (iPhone; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1")
EDGE = CHROME + " Edg/131.0.0.0"
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")
ANDROID_WEBVIEW = ("Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like "
                   "Gecko) Version/4.0 Chrome/131.0.6778.39 Mobile Safari/537.36")

# A navigation as Chrome sends it on a link click (Fetch Metadata, client hints).
BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.9",
    "Accept-Encoding": "gzip, deflate, br, zstd",
    "Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-User": "?1",
    "Sec-Fetch-Dest": "document", "Upgrade-Insecure-Requests": "1", "Priority": "u=0, i",
}
OLD_BROWSER = {k: v for k, v in BROWSER.items() if not k.startswith("Sec-Fetch")}


class Replay:
    def __init__(self, setup):
        self.setup = setup
        self.labels = {}  # (message, link) → "human" | "machine"
        self.sent = 0

    def mint(self, message, links, sent_ago, honeypot=False):
        """Tracked URLs for `links` of one message sent `sent_ago` seconds ago."""
        sent_at = int(time.time()) - sent_ago
        lines = [json.dumps({"url": f"https://shop.example/{link}", "campaign": "replay",
                             "message": message, "recipient": message, "link": link,
                             "sent_at": sent_at}) for link in links]
        if honeypot:
            lines.append(json.dumps({"honeypot": True, "campaign": "replay", "message": message,
                                     "recipient": message, "sent_at": sent_at}))
        out = run("sign", "-c", self.setup.config, "--domain", A, "--batch",
                  input="\n".join(lines) + "\n", check=True).stdout.split()
        urls = dict(zip(links, out))
        if honeypot:
            urls["honeypot"] = out[-1]
        return urls

    def get(self, url, ip, user_agent, headers, referer=None):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        # SNI and Host name the tracking domain; the connection goes to loopback.
        conn = http.client.HTTPConnection("127.0.0.1", self.setup.https, timeout=5)
        raw = socket.create_connection(("127.0.0.1", self.setup.https), timeout=5)
        conn.sock = ctx.wrap_socket(raw, server_hostname=A)
        path = url.split(A, 1)[1]
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", A)
        if user_agent is not None:
            conn.putheader("User-Agent", user_agent)
        for k, v in headers.items():
            conn.putheader(k, v)
        if referer:
            conn.putheader("Referer", referer)
        conn.putheader("X-Forwarded-For", ip)
        conn.endheaders()
        status = conn.getresponse().status
        conn.close()
        self.sent += 1
        return status

    def click(self, label, message, link, url, ip, ua, headers, referer=None):
        self.labels[(message, link)] = label
        status = self.get(url, ip, ua, headers, referer)
        assert status in (302, 404), status


def people(r):
    """Hard cases included: 20 s after sending, two links seconds apart, ten people behind one
    NAT address in the same second, old browsers, in-app WebViews, a VPN in a cloud, a click
    through Safe Links."""
    cases = [
        ("p-chrome", CHROME, BROWSER, "198.51.100.10", 95, None),
        ("p-firefox", FIREFOX, BROWSER, "198.51.100.11", 400, None),
        ("p-safari17", SAFARI_17, BROWSER, "198.51.100.12", 30, None),
        ("p-safari15", SAFARI_15, OLD_BROWSER, "198.51.100.13", 120, None),
        ("p-20s", CHROME, BROWSER, "198.51.100.14", 20, None),
        ("p-webview", ANDROID_WEBVIEW, OLD_BROWSER, "198.51.100.15", 80, None),
        ("p-vpn", ANDROID_CHROME, BROWSER, "3.5.140.2", 300, None),
        ("p-safelinks", EDGE, BROWSER, "198.51.100.16", 45,
         "https://eur01.safelinks.protection.outlook.com/"),
        ("p-plain-accept", FIREFOX, dict(BROWSER, Accept="*/*"), "198.51.100.17", 3600, None),
    ]
    for message, ua, headers, ip, ago, referer in cases:
        urls = r.mint(message, ["hero"], ago, honeypot=True)
        r.click("human", message, "hero", urls["hero"], ip, ua, headers, referer)
    # Two links of one email, seconds apart.
    urls = r.mint("p-two-links", ["hero", "footer"], 60, honeypot=True)
    r.click("human", "p-two-links", "hero", urls["hero"], "198.51.100.20", CHROME, BROWSER)
    time.sleep(1.5)
    r.click("human", "p-two-links", "footer", urls["footer"], "198.51.100.20", CHROME, BROWSER)
    # One office NAT: ten colleagues, each their own email, clicking within the same second.
    for i in range(10):
        message = f"p-nat-{i}"
        urls = r.mint(message, ["hero"], 90 + i, honeypot=True)
        r.click("human", message, "hero", urls["hero"], "192.0.2.50", CHROME, BROWSER)


def machines(r):
    links = ["hero", "offer", "footer", "unsubscribe"]
    # Link previews, libraries, headless browsers, crawlers: they say what they are.
    for i, ua in enumerate([
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Twitterbot/1.0", "WhatsApp/2.23.20.0 A", "TelegramBot (like TwitterBot)",
            "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 "
            "skype-url-preview@microsoft.com",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/120.0.0.0 Safari/537.36",
            "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"]):
        message = f"m-ua-{i}"
        urls = r.mint(message, ["hero"], 7200)
        r.click("machine", message, "hero", urls["hero"], f"203.0.113.{i + 1}", ua, {"Accept": "*/*"})
    # No user agent; a speculative prefetch by a browser.
    urls = r.mint("m-empty", ["hero"], 600)
    r.click("machine", "m-empty", "hero", urls["hero"], "203.0.113.40", None, {})
    urls = r.mint("m-prefetch", ["hero"], 600)
    r.click("machine", "m-prefetch", "hero", urls["hero"], "198.51.100.40", CHROME,
            dict(BROWSER, **{"Sec-Purpose": "prefetch"}))
    # Safe Links detonation from Exchange Online Protection: a browser's user agent, thin
    # headers, every link within a second, two seconds after delivery.
    urls = r.mint("m-safelinks", links, 2, honeypot=True)
    for link in links + ["honeypot"]:
        r.click("machine", "m-safelinks", link, urls[link], "40.94.10.7", CHROME,
                {"Accept": "*/*"})
    # Proofpoint with full browser headers, three seconds after sending, every link.
    urls = r.mint("m-proofpoint", links, 3)
    for link in links:
        r.click("machine", "m-proofpoint", link, urls[link], "148.163.140.9", CHROME, BROWSER)
    # Mimecast, half a minute later, one link, full headers: its network alone says so.
    urls = r.mint("m-mimecast", links, 30)
    r.click("machine", "m-mimecast", "hero", urls["hero"], "205.139.110.44", CHROME, BROWSER)
    # Scanners from networks no list has, with a browser's user agent and full headers:
    #  - seconds after sending, walking every link and the honeypot;
    urls = r.mint("m-unlisted-fast", links, 4, honeypot=True)
    for link in links + ["honeypot"]:
        r.click("machine", "m-unlisted-fast", link, urls[link], "192.0.2.200", CHROME, BROWSER)
    #  - 40 s after sending, every link and the honeypot: the honeypot marks the rest;
    urls = r.mint("m-unlisted-slow", links, 40, honeypot=True)
    for link in links + ["honeypot"]:
        r.click("machine", "m-unlisted-slow", link, urls[link], "192.0.2.201", FIREFOX, BROWSER)
    #  - one second after sending, every link, in an email without a honeypot.
    urls = r.mint("m-unlisted-nohoneypot", links, 1)
    for link in links:
        r.click("machine", "m-unlisted-nohoneypot", link, urls[link], "192.0.2.202", SAFARI_17,
                BROWSER)


def exported(setup):
    out = run("export", "-c", setup.config, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def score(events, labels):
    machine = flagged_machine = human = flagged_human = 0
    wrong = []
    for e in events:
        if e["kind"] != "click":
            continue
        label = labels[(e["message"], e["link"] or "honeypot")]
        flagged = e["verdict"] in ("suspect", "bot")
        if label == "machine":
            machine += 1
            flagged_machine += flagged
            if not flagged:
                wrong.append(("machine counted as a person", e["message"], e["link"], e["reasons"]))
        else:
            human += 1
            flagged_human += flagged
            if flagged:
                wrong.append(("person flagged", e["message"], e["link"], e["reasons"]))
    return machine, flagged_machine, human, flagged_human, wrong


def test_labelled_replay_people_count_machines_are_flagged():
    with TempDir() as tmp:
        setup = Setup(tmp, trusted="127.0.0.1/32")
        r = Replay(setup)
        with setup.server() as server:
            people(r)
            machines(r)
            # The server's re-scorer follows the log about once a second: the honeypot and
            # burst evidence reaches the earlier clicks without any command.
            deadline = time.time() + 15
            while True:
                events = exported(setup)
                m, fm, h, fh, wrong = score(events, r.labels)
                if (len(events) == r.sent and fm / m >= 0.95 and fh <= h // 100) \
                        or time.time() > deadline:
                    break
                time.sleep(0.5)
            assert len(events) == r.sent, (len(events), r.sent)
            assert fm / m >= 0.95 and fh <= h // 100, (m, fm, h, fh, wrong, server.output())
            # `rescore` while the server runs agrees, and changes nothing it already got right.
            out = run("rescore", "-c", setup.config, check=True).stdout
            assert f"rescored {r.sent} event(s)" in out, out
            again = run("rescore", "-c", setup.config, check=True).stdout
            assert ": 0 verdict(s)" in again, again  # idempotent
        m, fm, h, fh, wrong = score(exported(setup), r.labels)
        print(f"     replay: {fm}/{m} machine clicks flagged, {fh}/{h} human clicks flagged")
        assert fm / m >= 0.95, wrong
        assert fh <= h // 100, wrong


def test_stats_count_people_and_show_machines_beside():
    with TempDir() as tmp:
        setup = Setup(tmp, trusted="127.0.0.1/32")
        r = Replay(setup)
        with setup.server():
            urls = r.mint("s-1", ["hero"], 120)
            r.click("human", "s-1", "hero", urls["hero"], "198.51.100.1", CHROME, BROWSER)
            urls = r.mint("s-2", ["hero"], 120)
            r.click("machine", "s-2", "hero", urls["hero"], "198.51.100.2", "curl/8.5.0", {})
            urls = r.mint("s-3", ["hero"], 120)
            r.click("machine", "s-3", "hero", urls["hero"], "205.139.110.3", CHROME, BROWSER)
        rows = json.loads(run("stats", "-c", setup.config, "--format", "json", check=True).stdout)
        assert rows[0]["clicks"] == 1 and rows[0]["bot_clicks"] == 1 \
            and rows[0]["suspect_clicks"] == 1, rows
        by_verdict = json.loads(run("stats", "-c", setup.config, "--by", "verdict", "--format",
                                    "json", check=True).stdout)
        assert {row["verdict"]: row["clicks"] for row in by_verdict} == \
            {"bot": 1, "human": 1, "suspect": 1}, by_verdict
        by_reason = json.loads(run("stats", "-c", setup.config, "--by", "reason", "--format",
                                   "json", check=True).stdout)
        reasons = {row["reason"]: row["clicks"] for row in by_reason}
        assert reasons.get("ua:http-library") == 1 and reasons.get("net:mimecast") == 1, reasons
        assert reasons.get("(none)") == 1, reasons
        by_domain = json.loads(run("stats", "-c", setup.config, "--by", "domain", "--format",
                                   "json", check=True).stdout)
        assert [(row["domain"], row["clicks"], row["bot_clicks"]) for row in by_domain] == \
            [(A, 1, 1)], by_domain
        before = json.loads(run("stats", "-c", setup.config, "--until", "2001-01-01T00:00:00Z",
                                "--format", "json", check=True).stdout)
        assert before[0]["clicks"] == 0 and before[0]["bot_clicks"] == 0, before
        table = run("stats", "-c", setup.config, check=True).stdout
        assert "bot clicks" in table and "suspect clicks" in table, table


def test_export_csv_and_ndjson_and_explain():
    with TempDir() as tmp:
        setup = Setup(tmp, trusted="127.0.0.1/32")
        r = Replay(setup)
        with setup.server():
            urls = r.mint("e-1", ["hero"], 120)
            # A user agent a spreadsheet would run as a formula, with a comma and a quote.
            r.click("machine", "e-1", "hero", urls["hero"], "198.51.100.9",
                    '=HYPERLINK("x","y"), curl/8', {})
        events = exported(setup)
        assert len(events) == 1
        e = events[0]
        for field in ("id", "time", "kind", "host", "campaign", "template", "message", "recipient",
                      "link", "destination", "ip", "user_agent", "verdict", "reasons"):
            assert field in e, (field, e)
        assert e["time"].endswith("Z") and "T" in e["time"], e
        assert e["verdict"] == "bot" and "ua:http-library" in e["reasons"], e
        assert isinstance(e["reasons"], list)
        text = run("export", "-c", setup.config, "--format", "csv", check=True).stdout
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 1 and rows[0]["user_agent"] == "'" + e["user_agent"], rows
        assert rows[0]["reasons"] == ";".join(e["reasons"]), rows
        assert run("export", "-c", setup.config, "--campaign", "nope", check=True).stdout == ""
        assert run("export", "-c", setup.config, "--since", "2000-01-01T00:00:00Z",
                   "--until", "2001-01-01T00:00:00Z", check=True).stdout == ""
        why = run("explain", "-c", setup.config, str(e["id"]), check=True).stdout
        assert "stored verdict: bot" in why and "ua:http-library" in why, why
        assert run("explain", "-c", setup.config, "999").returncode == 1


def test_a_reload_applies_edited_rules_to_new_clicks():
    with TempDir() as tmp:
        setup = Setup(tmp, trusted="127.0.0.1/32")
        r = Replay(setup)
        checker = "AcmeHealthcheck/2.1 (compatible)"
        with setup.server() as server:
            urls = r.mint("r-1", ["hero"], 600)
            r.click("human", "r-1", "hero", urls["hero"], "198.51.100.1", checker, BROWSER)
            with open(setup.config, "a") as f:
                f.write("bots:\n  user_agents:\n    - {name: acme-check, contains: [acmehealthcheck]}\n")
            server.send(signal.SIGHUP)
            deadline = time.time() + 10
            while "reloaded" not in server.output() and time.time() < deadline:
                time.sleep(0.1)
            urls = r.mint("r-2", ["hero"], 600)
            r.click("machine", "r-2", "hero", urls["hero"], "198.51.100.2", checker, BROWSER)
        events = {e["message"]: e for e in exported(setup)}
        assert events["r-1"]["verdict"] == "human", events
        assert events["r-2"]["verdict"] == "bot" and events["r-2"]["reasons"] == ["ua:acme-check"], events
        # The rules changed after r-1 was logged: rescore brings it in line.
        out = run("rescore", "-c", setup.config, check=True).stdout
        assert ": 1 verdict(s)" in out, out
        assert {e["message"]: e["verdict"] for e in exported(setup)}["r-1"] == "bot"


def test_rewrite_and_sign_hide_a_honeypot_and_carry_the_send_time():
    with TempDir() as tmp:
        setup = Setup(tmp)
        html = "<html><body><p><a href=\"https://shop.example/a\">Shop</a></p></body></html>"
        p = run("rewrite", "-c", setup.config, "--domain", A, "--message", "77", "--honeypot",
                "--sent-at", "1790000000", input=html, check=True)
        assert "added a honeypot link" in p.stderr, p.stderr
        hidden = re.search(r'<a href="([^"]+)" style="display:none;mso-hide:all" '
                           r'aria-hidden="true" tabindex="-1"></a></body>', p.stdout)
        assert hidden, p.stdout  # empty, hidden, out of the tab order, before </body>
        decoded = json.loads(run("decode", "-c", setup.config, hidden.group(1), check=True).stdout)
        assert decoded["kind"] == "honeypot" and "url" not in decoded, decoded
        assert decoded["issued_at"] == 1790000000 and decoded["message"] == "77", decoded
        shop = re.search(r'<a href="([^"]+)">Shop', p.stdout).group(1)
        assert json.loads(run("decode", "-c", setup.config, shop, check=True).stdout)[
            "issued_at"] == 1790000000
        # sign: --honeypot takes no --url; a destination is refused.
        url = run("sign", "-c", setup.config, "--domain", A, "--honeypot", check=True).stdout
        assert json.loads(run("decode", "-c", setup.config, url.strip(), check=True).stdout)[
            "kind"] == "honeypot"
        refused = run("sign", "-c", setup.config, "--domain", A, "--honeypot", "--url",
                      "https://x.example/")
        assert refused.returncode == 1 and "honeypot link has no destination" in refused.stderr
        bad = run("sign", "-c", setup.config, "--domain", A, "--batch",
                  input='{"url": "https://x.example/", "sent_at": "soon"}\n')
        assert bad.returncode == 1 and "'sent_at' must be Unix seconds" in bad.stderr, bad.stderr


if __name__ == "__main__":
    main([test_labelled_replay_people_count_machines_are_flagged,
          test_a_reload_applies_edited_rules_to_new_clicks,
          test_stats_count_people_and_show_machines_beside,
          test_export_csv_and_ndjson_and_explain,
          test_rewrite_and_sign_hide_a_honeypot_and_carry_the_send_time])
