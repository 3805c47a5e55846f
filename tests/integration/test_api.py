"""The admin API through the real binary: keys and scopes, every endpoint and error, paging
while the server writes, the numbers against the CLI's, and every response checked against the
server's own OpenAPI document (with the jsonschema library, Draft 2020-12)."""

import csv
import hashlib
import http.client
import io
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time

import jsonschema

from harness import Server, TempDir, free_port, main, make_cert, run, wait_for_port, write
from test_server import A, B, Setup, SniConnection

ADMIN_SECRET = "admin-secret-0123456789abcdef"
READ_SECRET = "read-secret-0123456789abcdef"
MINT_SECRET = "mint-secret-0123456789abcdef"
ENV_SECRET = "env-secret-0123456789abcdef"
HASHED_SECRET = "hashed-secret-0123456789abcdef"
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
BROWSER = {
    "User-Agent": CHROME,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.9",
    "Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-User": "?1",
    "Sec-Fetch-Dest": "document",
}


def api_config(body_bytes=65536):
    digest = hashlib.sha256(HASHED_SECRET.encode()).hexdigest()
    return f"""api:
  body_bytes: {body_bytes}
  keys:
    - {{id: ops, secret: "{ADMIN_SECRET}", scopes: [admin]}}
    - {{id: analyst, secret: "{READ_SECRET}", scopes: [read]}}
    - {{id: sender, secret: "{MINT_SECRET}", scopes: [mint]}}
    - {{id: from-env, secret_env: LT_API_SECRET, scopes: [read]}}
    - {{id: hashed, secret_sha256: "{digest}", scopes: [mint, read]}}
"""


class Api:
    """An HTTP client for the admin listener, with the OpenAPI document to check answers."""

    def __init__(self, port, secret=ADMIN_SECRET):
        self.port = port
        self.secret = secret
        self.doc = None

    def request(self, method, target, body=None, secret=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        key = self.secret if secret is None else secret
        if key:
            h["Authorization"] = "Bearer " + key
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        c.request(method, target, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        assert r.getheader("Cache-Control") == "no-store", (target, r.getheaders())
        return r.status, r, data

    def json(self, method, target, body=None, secret=None, expect=200):
        status, r, data = self.request(method, target, body, secret)
        assert status == expect, (method, target, status, data[:500])
        assert r.getheader("Content-Type") == "application/json", r.getheader("Content-Type")
        value = json.loads(data)
        self.check(method, target, status, value)
        return value

    # The OpenAPI document and schema checks.
    def document(self):
        if self.doc is None:
            status, r, data = self.request("GET", "/api/v1/openapi.json", secret="")
            assert status == 200
            self.doc = json.loads(data)
        return self.doc

    def schema_for(self, method, target, status, media="application/json"):
        doc = self.document()
        path = target.split("?", 1)[0]
        responses = doc["paths"][path][method.lower()]["responses"]
        assert str(status) in responses, f"{method} {path} answered {status}, not documented"
        response = deref(doc, responses[str(status)])
        return deref(doc, response["content"][media]["schema"])

    def check(self, method, target, status, value, media="application/json"):
        schema = dict(self.schema_for(method, target, status, media))
        # Refs inside point at the document root: validate with the document as the root.
        root = dict(self.document())
        root.pop("$id", None)
        root["$ref"] = "#/x-check"
        root["x-check"] = schema
        jsonschema.Draft202012Validator(root).validate(value)

    def check_event(self, event):
        root = dict(self.document())
        root["$ref"] = "#/components/schemas/Event"
        jsonschema.Draft202012Validator(root).validate(event)


class Fixture:
    """Setup's server with API keys, plus helpers to mint and click."""

    def __init__(self, tmp, body_bytes=65536):
        self.setup = Setup(tmp, extra=api_config(body_bytes))
        self.api = Api(self.setup.admin)

    def server(self):
        return Server(self.setup.config, self.setup.admin, env={"LT_API_SECRET": ENV_SECRET})

    def mint(self, items):
        out = self.api.json("POST", "/api/v1/links", {"links": items})
        assert out["errors"] == [], out["errors"]
        return out["urls"]

    def click(self, url, headers=None, conn=None):
        """A GET of a minted https URL on the server's port; returns (status, location)."""
        path = url.split("://", 1)[1]
        host, target = path.split("/", 1)
        own = conn is None
        if own:
            conn = SniConnection(self.setup.https, host)
        conn.request("GET", "/" + target, headers={"Host": host, **(headers or BROWSER)})
        r = conn.getresponse()
        r.read()
        if own:
            conn.close()
        return r.status, r.getheader("Location")


def deref(doc, node):
    """A local $ref (#/a/b) followed to what it names."""
    while isinstance(node, dict) and "$ref" in node:
        target = doc
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def test_keys_scopes_and_errors_are_json():
    with TempDir() as tmp:
        f = Fixture(tmp)
        with f.server():
            api = f.api
            # No key, a wrong key: 401 with a challenge; JSON either way.
            for secret in ("", "not-a-key-0123456789"):
                status, r, data = api.request("GET", "/api/v1/stats", secret=secret)
                assert status == 401, (status, data)
                assert r.getheader("WWW-Authenticate") == 'Bearer realm="linktrack"'
                api.check("GET", "/api/v1/stats", 401, json.loads(data))
            status, r, data = api.request("GET", "/api/v1/stats",
                                          headers={"Authorization": "Basic " + ADMIN_SECRET},
                                          secret="")
            assert status == 401
            # Each scope reaches what it names and no more; admin reaches everything.
            cases = [
                (READ_SECRET, "GET", "/api/v1/stats", None, 200),
                (READ_SECRET, "GET", "/api/v1/domains", None, 200),
                (READ_SECRET, "POST", "/api/v1/links", {"links": []}, 403),
                (READ_SECRET, "POST", "/api/v1/forget", {"recipient": "x"}, 403),
                (MINT_SECRET, "POST", "/api/v1/links", {"links": []}, 200),
                (MINT_SECRET, "GET", "/api/v1/events", None, 403),
                (MINT_SECRET, "POST", "/api/v1/forget", {"recipient": "x"}, 403),
                (ENV_SECRET, "GET", "/api/v1/stats", None, 200),
                (HASHED_SECRET, "POST", "/api/v1/links", {"links": []}, 200),
                (HASHED_SECRET, "GET", "/api/v1/events", None, 200),
                (ADMIN_SECRET, "POST", "/api/v1/forget", {"recipient": "x"}, 200),
                (ADMIN_SECRET, "GET", "/api/v1/events", None, 200),
                (ADMIN_SECRET, "POST", "/api/v1/links", {"links": []}, 200),
            ]
            for secret, method, target, body, expect in cases:
                status, r, data = api.request(method, target, body, secret=secret)
                assert status == expect, (secret, method, target, status, data)
                if expect == 403:
                    err = json.loads(data)
                    api.check(method, target, 403, err)
                    assert err["error"]["code"] == "forbidden"
            # The document needs no key.
            assert api.json("GET", "/api/v1/openapi.json", secret="")["openapi"] == "3.1.0"
            # Unknown paths and wrong methods: JSON too.
            status, r, data = api.request("GET", "/api/v1/nothing")
            assert status == 404 and json.loads(data)["error"]["code"] == "not_found"
            status, r, data = api.request("DELETE", "/api/v1/links")
            assert status == 405 and r.getheader("Allow") == "POST"
            assert json.loads(data)["error"]["code"] == "method_not_allowed"
            # /metrics and /healthz still answer beside the API.
            status, r, data = api.request("GET", "/metrics", secret="")
            assert status == 200
            assert b'linktrack_api_requests_total{endpoint="stats",status="401"} 3' in data, data


def test_secrets_never_logged_and_reload_changes_keys():
    with TempDir() as tmp:
        f = Fixture(tmp)
        with f.server() as server:
            assert f.api.request("GET", "/api/v1/stats", secret=READ_SECRET)[0] == 200
            assert f.api.request("GET", "/api/v1/stats", secret="x" * 20)[0] == 401
            # A reload with the analyst's key removed and another added takes effect at once.
            text = open(f.setup.config).read()
            text = text.replace(f'{{id: analyst, secret: "{READ_SECRET}", scopes: [read]}}',
                                '{id: analyst2, secret: "another-read-secret-0123", '
                                'scopes: [read]}')
            write(f.setup.config, text)
            server.send(signal.SIGHUP)
            deadline = time.time() + 10
            while time.time() < deadline:
                if f.api.request("GET", "/api/v1/stats", secret=READ_SECRET)[0] == 401:
                    break
                time.sleep(0.1)
            assert f.api.request("GET", "/api/v1/stats", secret=READ_SECRET)[0] == 401
            assert f.api.request("GET", "/api/v1/stats",
                                 secret="another-read-secret-0123")[0] == 200
            server.stop()
            log = server.output()
        for secret in (ADMIN_SECRET, READ_SECRET, "another-read-secret-0123", ENV_SECRET):
            assert secret not in log, "a secret in the log"
        assert 'analyst "GET /api/v1/stats" 200' in log, log


def test_links_mint_what_sign_batch_mints_and_one_bad_item_fails_alone():
    with TempDir() as tmp:
        f = Fixture(tmp)
        items = [
            {"domain": A, "url": "https://shop.a.test/x?y=1", "campaign": "spring",
             "recipient": 42, "message": "0123456789abcdef0123456789abcdef", "link": "hero",
             "sent_at": int(time.time()) - 60, "expires": "30d"},
            {"domain": "nowhere.test", "url": "https://shop.a.test/"},
            {"domain": A, "url": "javascript:alert(1)"},
            {"domain": A, "open": True, "campaign": "spring", "sent_at": "2026-09-21T14:13:20Z"},
            {"domain": A, "url": "https://shop.a.test/", "bogus": 1},
            {"url": "https://shop.a.test/"},
            {"domain": B, "url": "https://shop.b.test/z", "sent_at": 1790000000},
        ]
        with f.server():
            out = f.api.json("POST", "/api/v1/links", {"links": items})
            urls, errors = out["urls"], out["errors"]
            assert len(urls) == len(items)
            assert [e["index"] for e in errors] == [1, 2, 4, 5], errors
            assert "nowhere.test" in errors[0]["message"]
            assert "bogus" in errors[2]["message"] and "domain" in errors[3]["message"]
            assert [u is None for u in urls] == [False, True, True, False, True, True, False]
            # The same tokens as sign --batch for the same fields (minting is deterministic).
            lines = [json.dumps({k: v for k, v in items[i].items() if k != "domain"})
                     for i in (0, 3)]
            cli = run("sign", "-c", f.setup.config, "--domain", A, "--batch",
                      input="\n".join(lines) + "\n", check=True).stdout.split()
            assert cli == [urls[0], urls[3]], (cli, urls)
            # A batch line may name another domain than --domain, as an API item does.
            cli = run("sign", "-c", f.setup.config, "--domain", A, "--batch",
                      input=json.dumps(items[6]) + "\n", check=True).stdout.split()
            assert cli == [urls[6]], (cli, urls[6])
            assert urls[3].startswith(f"https://{A}/o/")
            assert urls[6].startswith(f"https://{B}/c/")
            # A minted link works: the redirect goes where the item said.
            status, location = f.click(urls[0])
            assert status == 302 and location.startswith("https://shop.a.test/x?y=1"), location


def test_links_limits_and_malformed_bodies():
    with TempDir() as tmp:
        f = Fixture(tmp, body_bytes=1 << 20)
        with f.server():
            many = [{"domain": A, "url": f"https://shop.a.test/{i}"} for i in range(10000)]
            out = f.api.json("POST", "/api/v1/links", {"links": many})
            assert len(out["urls"]) == 10000 and None not in out["urls"] and not out["errors"]
            assert len(set(out["urls"])) == 10000
            err = f.api.json("POST", "/api/v1/links", {"links": many + many[:1]}, expect=400)
            assert "10001" in err["error"]["message"], err
            err = f.api.json("POST", "/api/v1/links", '{"links": [', expect=400)
            assert err["error"]["code"] == "bad_json" and "byte" in err["error"]["message"]
            err = f.api.json("POST", "/api/v1/links", {"link": []}, expect=400)
            assert "links" in err["error"]["message"]
            # A body over api.body_bytes: 413, in JSON, from the connection's own limit.
            status, r, data = f.api.request("POST", "/api/v1/links", "x" * ((1 << 20) + 1))
            assert status == 413, status
            assert json.loads(data)["error"]["code"] == "body_too_large"
            f.api.check("POST", "/api/v1/links", 413, json.loads(data))


def test_rewrite_is_byte_exact_with_the_cli():
    html = ('<html><body><p>Hi</p><a href="https://shop.a.test/a?x=1&amp;y=2">A</a>\n'
            '<a href="mailto:me@a.test">mail</a><a href="https://shop.a.test/b" '
            'data-linktrack="off">b</a></body></html>\n')
    with TempDir() as tmp:
        f = Fixture(tmp)
        with f.server():
            target = (f"/api/v1/rewrite?domain={A}&campaign=c1&message=m1&recipient=r%201"
                      "&sent_at=1790000000&open_pixel=1&honeypot=1")
            status, r, data = f.api.request("POST", target, html, secret=MINT_SECRET)
            assert status == 200, data
            assert r.getheader("Content-Type") == "text/html; charset=utf-8"
            cli = run("rewrite", "-c", f.setup.config, "--domain", A, "--campaign", "c1",
                      "--message", "m1", "--recipient", "r 1", "--sent-at", "1790000000",
                      "--open-pixel", "--honeypot", input=html, check=True)
            assert data.decode() == cli.stdout
            summary = json.loads(r.getheader("Linktrack-Rewrite-Summary"))
            root = dict(f.api.document())
            root["$ref"] = "#/components/schemas/RewriteSummary"
            jsonschema.Draft202012Validator(root).validate(summary)
            assert summary["rewritten"] == 1 and summary["pixel_added"]
            assert summary["honeypot_added"]
            assert sorted(s["reason"] for s in summary["skipped"]) == [
                "mailto", 'opted out (data-linktrack="off")'], summary
            # Without a domain, or with an unknown one: 400.
            err = f.api.json("POST", "/api/v1/rewrite?campaign=c1", html, expect=400)
            assert "domain" in err["error"]["message"]
            err = f.api.json("POST", "/api/v1/rewrite?domain=nowhere.test", html, expect=400)
            err = f.api.json("POST", f"/api/v1/rewrite?domain={A}&open_pixel=maybe", html,
                             expect=400)


def seed_clicks(f):
    """People and machines clicking links of two campaigns; returns the number of events."""
    urls = f.mint(
        [{"domain": A, "url": f"https://shop.a.test/{i}", "campaign": c, "recipient": r,
          "link": str(i), "sent_at": int(time.time()) - 3600}
         for c in ("spring", "autumn") for r in ("r1", "r2", "r3") for i in range(3)]
        + [{"domain": A, "open": True, "campaign": "spring", "recipient": r,
            "sent_at": int(time.time()) - 3600} for r in ("r1", "r2")])
    events = 0
    for n, url in enumerate(urls):
        headers = BROWSER if n % 3 else {"User-Agent": "python-requests/2.31"}
        status, _ = f.click(url, headers)
        assert status in (200, 302), status
        events += 1
    return events


def wait_for_events(f, n):
    deadline = time.time() + 10
    while time.time() < deadline:
        with sqlite3.connect(f.setup.db) as db:
            if db.execute("SELECT count(*) FROM events").fetchone()[0] >= n:
                return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {n} events in the log")


def test_stats_equal_the_cli_on_the_same_log():
    with TempDir() as tmp:
        f = Fixture(tmp)
        with f.server():
            n = seed_clicks(f)
            wait_for_events(f, n)
            queries = [[], ["by=link"], ["by=day"], ["by=campaign"], ["by=domain"],
                       ["by=verdict"], ["by=reason"], ["campaign=spring"],
                       ["campaign=spring", "by=link"], [f"host={A}", "by=verdict"],
                       ["since=1h"], ["until=1h"], ["since=2020-01-01T00:00:00Z",
                                                    "until=2099-01-01T00:00:00%2B02:00"]]
            for q in queries:
                api = f.api.json("GET", "/api/v1/stats?" + "&".join(q), secret=READ_SECRET)
                args = []
                for p in q:
                    k, v = p.split("=", 1)
                    args += [f"--{k}", v.replace("%2B", "+")]
                cli = json.loads(run("stats", "-c", f.setup.config, "--format", "json", *args,
                                     check=True).stdout)
                assert api == cli, (q, api, cli)
            total = f.api.json("GET", "/api/v1/stats")[0]
            assert total["clicks"] + total["suspect_clicks"] + total["bot_clicks"] == 18
            assert total["opens"] + total["suspect_opens"] + total["bot_opens"] == 2
            assert total["bot_clicks"] > 0 and total["clicks"] > 0
            by_campaign = {r["campaign"]: r for r in f.api.json("GET", "/api/v1/stats?by=campaign")}
            assert set(by_campaign) == {"spring", "autumn"}
            for bad in ("by=week", "since=yesterday", "campaign=a&campaign=b", "foo=1",
                        "limit=5"):
                err = f.api.json("GET", "/api/v1/stats?" + bad, expect=400)
                assert err["error"]["code"] == "bad_request", err


def test_events_page_every_event_exactly_once_while_clicks_arrive():
    with TempDir() as tmp:
        f = Fixture(tmp)
        with f.server():
            urls = f.mint([{"domain": A, "url": f"https://shop.a.test/{i}", "campaign": "live",
                            "recipient": f"r{i}"} for i in range(40)])
            clicks = 600
            done = threading.Event()

            def clicker():
                conn = SniConnection(f.setup.https, A)
                for i in range(clicks):
                    f.click(urls[i % len(urls)], conn=conn)
                    if i % 50 == 0:
                        time.sleep(0.02)
                conn.close()
                done.set()

            t = threading.Thread(target=clicker)
            t.start()
            seen, after, pages = [], 0, 0
            while True:
                status, r, data = f.api.request("GET", f"/api/v1/events?after={after}&limit=37",
                                                secret=READ_SECRET)
                assert status == 200, data
                assert r.getheader("Content-Type") == "application/x-ndjson"
                lines = data.decode().splitlines()
                nxt = r.getheader("Linktrack-Next-After")  # NODE:LOCAL, the last event's id
                assert int(r.getheader("Linktrack-Event-Count")) == len(lines)
                pages += 1
                if not lines:
                    # An empty page gives the cursor back.
                    assert nxt.split(":")[1] == str(after).split(":")[-1], (nxt, after)
                    if done.is_set():
                        # The writer commits within its interval: one more look after it.
                        time.sleep(0.3)
                        status, r, data = f.api.request(
                            "GET", f"/api/v1/events?after={after}&limit=37")
                        if not data:
                            break
                        continue
                    time.sleep(0.01)
                    continue
                for line in lines:
                    event = json.loads(line)
                    f.api.check_event(event)
                    seen.append(event["id"])
                assert nxt == seen[-1]
                after = nxt
            t.join()
            assert pages > 3
            assert len(seen) == len(set(seen)) == clicks, (len(seen), len(set(seen)))
            local = [int(i.split(":")[1]) for i in seen]
            assert local == sorted(local)
            with sqlite3.connect(f.setup.db) as db:
                ids = [r[0] for r in db.execute("SELECT id FROM events ORDER BY id")]
                node = db.execute("SELECT value FROM properties WHERE name = 'node_id'").fetchone()
            assert local == ids
            assert all(i.startswith(node[0] + ":") for i in seen)
            # The same rows as `export`, CSV included; filters as export's.
            status, r, data = f.api.request("GET", "/api/v1/events?limit=100000")
            cli = run("export", "-c", f.setup.config, check=True).stdout
            assert data.decode() == cli
            status, r, data = f.api.request("GET", "/api/v1/events?limit=100000&format=csv")
            assert r.getheader("Content-Type") == "text/csv; charset=utf-8"
            cli = run("export", "-c", f.setup.config, "--format", "csv", check=True).stdout
            assert data.decode().replace("\r\n", "\n") == cli  # run() reads text: \r\n → \n
            rows = list(csv.DictReader(io.StringIO(data.decode())))
            assert len(rows) == clicks and rows[0]["campaign"] == "live"
            status, r, data = f.api.request("GET", "/api/v1/events?campaign=none&since=1h")
            assert status == 200 and data == b""
            assert r.getheader("Linktrack-Next-After") == node[0] + ":0"
            # The cursor as the header gives it, or its number; another node's is refused.
            status, r, data = f.api.request("GET", f"/api/v1/events?after={seen[-2]}")
            assert status == 200 and json.loads(data)["id"] == seen[-1], data
            for bad in ("limit=0", "limit=100001", "after=-1", "after=x", "after=other:3",
                        "format=xml",
                        "until=soon", "campaign=a&campaign=b", "sort=id"):
                err = f.api.json("GET", "/api/v1/events?" + bad, expect=400)
                assert err["error"]["code"] == "bad_request", (bad, err)


def test_forget_and_domains():
    with TempDir() as tmp:
        f = Fixture(tmp)
        with f.server():
            n = seed_clicks(f)
            wait_for_events(f, n)
            before = f.api.json("GET", "/api/v1/domains", secret=READ_SECRET)
            got = {d["host"]: d for d in before["domains"]}
            a = got[A]
            assert a["aliases"] == ["click.a.test"]
            assert a["tls"]["subject"] == f"CN={A}"
            assert a["tls"]["sans"] == [A, "click.a.test"]
            assert a["tls"]["days_left"] in (29, 30)
            assert a["deep_links"] == {"apple_app_site_association": True, "assetlinks": True}
            assert sum(a["clicks_24h"].values()) == 18, a["clicks_24h"]
            assert got[B]["clicks_24h"] == {"human": 0, "suspect": 0, "bot": 0}
            assert got["links.plain.test"]["tls"] is None
            assert a["public_url"] == f"https://{A}"
            assert got["links.plain.test"]["public_url"] == "http://links.plain.test"
            with sqlite3.connect(f.setup.db) as db:
                mine = db.execute("SELECT count(*) FROM events WHERE recipient = 'r2'").fetchone()[0]
            assert mine > 0
            out = f.api.json("POST", "/api/v1/forget", {"recipient": "r2"})
            assert out == {"deleted": mine}
            with sqlite3.connect(f.setup.db) as db:
                assert db.execute(
                    "SELECT count(*) FROM events WHERE recipient = 'r2'").fetchone()[0] == 0
            assert f.api.json("POST", "/api/v1/forget", {"recipient": "r2"}) == {"deleted": 0}
            for bad in ({}, {"recipient": ""}, {"recipient": ["x"]}, {"recipient": "x", "y": 1}):
                err = f.api.json("POST", "/api/v1/forget", bad, expect=400)
                assert err["error"]["code"] == "bad_request", err


def test_openapi_document_is_valid_and_lists_every_endpoint():
    with TempDir() as tmp:
        f = Fixture(tmp)
        with f.server():
            doc = f.api.document()
        assert doc["openapi"] == "3.1.0"
        assert set(doc["paths"]) == {"/api/v1/links", "/api/v1/rewrite", "/api/v1/stats",
                                     "/api/v1/events", "/api/v1/forget", "/api/v1/domains",
                                     "/api/v1/openapi.json"}
        for name, schema in doc["components"]["schemas"].items():
            jsonschema.Draft202012Validator.check_schema(schema)
        for path, item in doc["paths"].items():
            for method, op in item.items():
                assert "200" in op["responses"], (path, method)
                for status, response in op["responses"].items():
                    response = deref(doc, response)
                    for media in response.get("content", {}).values():
                        assert "schema" in media, (path, method, status)


def test_admin_listener_over_tls_and_keys_generate():
    with TempDir() as tmp:
        setup = Setup(tmp, extra=api_config(body_bytes=4 << 20))
        crt, key = make_cert(tmp, "admin.localhost")
        text = open(setup.config).read().replace(
            f'admin: "127.0.0.1:{setup.admin}"',
            f'admin: "127.0.0.1:{setup.admin}"\n  admin_tls: {{cert: {crt}, key: {key}}}')
        write(setup.config, text)
        with Server(setup.config, setup.admin, env={"LT_API_SECRET": ENV_SECRET}):
            p = subprocess.run(["curl", "-s", "--cacert", crt, "--resolve",
                                f"admin.localhost:{setup.admin}:127.0.0.1", "-H",
                                "Authorization: Bearer " + READ_SECRET,
                                f"https://admin.localhost:{setup.admin}/api/v1/stats"],
                               capture_output=True, timeout=20)
            assert p.returncode == 0, p.stderr
            assert json.loads(p.stdout)[0]["clicks"] == 0
            # A body of many TLS records in, an answer of many out (past 64 KiB it is written
            # after its headers, not copied behind them).
            items = [{"domain": A, "url": f"https://shop.a.test/item/{i}?ref=" + "x" * 100,
                      "campaign": "bulk", "recipient": f"r{i}@example.com"} for i in range(3000)]
            body = os.path.join(tmp, "links.json")
            write(body, json.dumps({"links": items}))
            p = subprocess.run(["curl", "-s", "--cacert", crt, "--resolve",
                                f"admin.localhost:{setup.admin}:127.0.0.1", "-H",
                                "Authorization: Bearer " + MINT_SECRET, "-H",
                                "Content-Type: application/json", "--data-binary", "@" + body,
                                f"https://admin.localhost:{setup.admin}/api/v1/links"],
                               capture_output=True, timeout=60)
            assert p.returncode == 0, p.stderr
            assert len(p.stdout) > 200000
            out = json.loads(p.stdout)
            assert out["errors"] == [] and len(out["urls"]) == 3000
            assert all(u.startswith(f"https://{A}/") for u in out["urls"])
            p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                f"http://127.0.0.1:{setup.admin}/api/v1/stats"],
                               capture_output=True, text=True, timeout=20)
            assert p.stdout != "200"  # plain HTTP is not spoken there
    # keys generate --api: the secret, then the line to paste into api.keys.
    out = run("keys", "generate", "--api", check=True).stdout.splitlines()
    assert len(out) == 2 and out[0].startswith("ltk_") and len(out[0]) >= 40
    assert out[1] == "secret_sha256: " + hashlib.sha256(out[0].encode()).hexdigest()
    assert run("keys", "generate", "--api", check=True).stdout.splitlines()[0] != out[0]


def test_api_key_config_errors_name_the_key():
    with TempDir() as tmp:
        setup = Setup(tmp, extra="""api:
  keys:
    - {id: a, secret: "short", scopes: [read]}
    - {id: a, secret_sha256: "abc", scopes: [reed]}
    - {id: c, secret: "long-enough-secret-000", secret_env: X, scopes: [read]}
    - {id: d, secret_env: LT_UNSET_VARIABLE, scopes: []}
""")
        p = run("check-config", "-c", setup.config)
        assert p.returncode != 0
        err = p.stderr
        for expected in ("api.keys[0].secret", "at least 16 characters",
                         "api.keys[1].id", "duplicate API key id 'a'",
                         "api.keys[1].secret_sha256", "64 hex digits",
                         "api.keys[1].scopes[0]", "unknown scope 'reed'",
                         "api.keys[2]", "exactly one of",
                         "api.keys[3].secret_env", "LT_UNSET_VARIABLE is not set",
                         "api.keys[3].scopes"):
            assert expected in err, (expected, err)
        assert "linktrack.yaml:" in err  # file and line


if __name__ == "__main__":
    main([test_keys_scopes_and_errors_are_json,
          test_secrets_never_logged_and_reload_changes_keys,
          test_links_mint_what_sign_batch_mints_and_one_bad_item_fails_alone,
          test_links_limits_and_malformed_bodies,
          test_rewrite_is_byte_exact_with_the_cli,
          test_stats_equal_the_cli_on_the_same_log,
          test_events_page_every_event_exactly_once_while_clicks_arrive,
          test_forget_and_domains,
          test_openapi_document_is_valid_and_lists_every_endpoint,
          test_admin_listener_over_tls_and_keys_generate,
          test_api_key_config_errors_name_the_key])
