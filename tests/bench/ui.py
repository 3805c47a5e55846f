"""The dashboard on a big log: each page fetched through the real server over HTTP, signed in
as a browser would be, timed from request to the last byte (loopback: the server's time).
  python3 tests/bench/ui.py --binary build/linktrack [--events 10000000] [--keep DIR]
The log is the one tests/bench/api.py builds (200 campaigns, 2M recipients, 30 days, a sixth
machines), kept with --keep DIR. Figures name the machine and go to
tests/bench/results/ui-<time>.json."""

import argparse
import http.client
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.parse

from api import API_SECRET, build_log, timed, write_config
from machine import machine

PAGES = [
    ("overview_24h", "/ui?range=24h&tz=60"),
    ("overview_7d", "/ui?range=7d&tz=60"),
    ("overview_30d", "/ui?range=30d&tz=60"),
    ("campaign_30d", "/ui/campaign?name=c7&range=30d&tz=60"),
    ("machines_30d", "/ui/machines?range=30d&tz=60"),
    ("domains", "/ui/domains"),
    ("live_poll", "/ui/live?after=0"),
]


class Browser:
    """Cookies and a browser's request headers, over one keep-alive connection."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.port = port
        self.cookies = {}

    def call(self, method, target, form=None):
        headers = {
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                          "Chrome/131.0.0.0 Safari/537.36",
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en-GB,en;q=0.9", "Accept-Encoding": "gzip, deflate, br",
            "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate",
            "Sec-Fetch-Dest": "document", "Origin": f"http://127.0.0.1:{self.port}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, target, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        for line in r.msg.get_all("Set-Cookie") or []:
            name, value = line.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return r, data

    def sign_in(self):
        _, page = self.call("GET", "/ui/signin")
        token = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
        r, _ = self.call("POST", "/ui/signin", {"csrf": token, "key": API_SECRET, "next": "/ui"})
        assert r.status == 303, r.status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/linktrack")
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--keep", help="directory to build the log in and keep")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    work = a.keep or tempfile.mkdtemp(prefix="linktrack-bench-ui-")
    os.makedirs(work, exist_ok=True)
    config, admin = write_config(work)
    db = os.path.join(work, "clicks.db")
    build_log(binary, config, db, a.events)
    server = subprocess.Popen([binary, "serve", "-c", config], stderr=subprocess.DEVNULL)
    results = {}
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", admin, timeout=0.2).connect()
                break
            except OSError:
                time.sleep(0.1)
        # On a log the summary has not seen, the server summarizes it first, in the background.
        started = time.monotonic()
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", admin, timeout=30)
            conn.request("GET", "/metrics")
            text = conn.getresponse().read().decode()
            lag = re.search(r"^linktrack_summarizer_lag_events (\d+)", text, re.M)
            steps = re.search(r"^linktrack_summarizer_steps_total (\d+)", text, re.M)
            if lag and int(lag.group(1)) == 0 and steps and int(steps.group(1)) > 0:
                break
            time.sleep(1)
        results["summary_catch_up_s"] = round(time.monotonic() - started, 1)
        print(f"summary caught up in {results['summary_catch_up_s']} s", flush=True)
        b = Browser(admin)
        b.sign_in()
        for name, target in PAGES:
            def fetch():
                r, data = b.call("GET", target)
                assert r.status == 200, (target, r.status, data[:300])
                return data
            size = len(fetch())  # the first one warms the page cache
            best, median = timed(fetch, a.repeat)
            results[name] = {"best_ms": round(best * 1000, 1), "median_ms": round(median * 1000, 1),
                             "bytes": size}
            print(f"{name:16} best {best * 1000:8.1f} ms  median {median * 1000:8.1f} ms"
                  f"  {size:7} bytes", flush=True)
    finally:
        server.terminate()
        server.wait()
    out = {"machine": machine(), "events_in_log": a.events, "results": results}
    stamp = time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime())
    path = os.path.join(os.path.dirname(__file__), "results", f"ui-{stamp}.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
    print("machine:", out["machine"])
    print("written", path)


if __name__ == "__main__":
    main()
