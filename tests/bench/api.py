"""The admin API on a big log: stats for one campaign and for everything, events streamed page
by page, and links minted in batches of 10,000, each through the real server over HTTP.
  python3 tests/bench/api.py --binary build/linktrack [--events 10000000] [--keep DIR]
The log is built once with SQL (about a minute for 10M events) and kept with --keep DIR. The
server runs with `threads: 1` and the API's work on its own threads; figures name the machine
and go to tests/bench/results/api-<time>.json."""

import argparse
import base64
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import tempfile
import time

from machine import machine

API_SECRET = "bench-secret-0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_token_key(work):
    """The token key the benchmark configs name (secret_file: token-key), private as required."""
    path = os.path.join(work, "token-key")
    with open(path, "w") as f:
        f.write(base64.b64encode(bytes(range(32))).decode())
    os.chmod(path, 0o600)


def write_config(work):
    """The benchmarks' config in `work` (threads: 1, the admin listener with an admin key, free
    ports): its path and the admin port."""
    port, admin = free_port(), free_port()
    write_token_key(work)
    config = os.path.join(work, "linktrack.yaml")
    with open(config, "w") as f:
        f.write(f"""listen: {{http: ["127.0.0.1:{port}"], admin: "127.0.0.1:{admin}"}}
threads: 1
keys: [{{id: 1, secret_file: token-key}}]
store: {{path: clicks.db}}
api: {{keys: [{{id: bench, secret: "{API_SECRET}", scopes: [admin]}}]}}
log: {{level: warn}}
domains: [{{host: links.example.com}}]
""")
    return config, admin


def build_log(binary, config, db, n):
    """n events over 200 campaigns of 6 links, 2M recipients, a quarter opens, a sixth machines,
    spread over 30 days: built in SQL, as the writer would have stored them."""
    subprocess.run([binary, "migrate", "-c", config], check=True, capture_output=True)
    con = sqlite3.connect(db)
    have = con.execute("SELECT count(*) FROM events").fetchone()[0]
    if have >= n:
        con.close()
        return
    t0 = int(time.time() * 1000) - 30 * 86400 * 1000
    step = 30 * 86400 * 1000 // n
    started = time.monotonic()
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"""
        WITH RECURSIVE k(i) AS (SELECT {have + 1} UNION ALL SELECT i + 1 FROM k WHERE i < {n})
        INSERT INTO events (id, time_ms, kind, host, campaign, template, message, recipient, link,
                            destination, client_ip, user_agent, key_id, sent_at, verdict,
                            reasons, evidence)
        SELECT i, {t0} + i * {step}, CASE WHEN i % 4 = 0 THEN 'open' ELSE 'click' END,
               'links.example.com', 'c' || (i % 200), '7', printf('%016x', i / 3),
               CAST((i * 7919) % 2000000 AS TEXT), CAST(i % 6 AS TEXT),
               CASE WHEN i % 4 = 0 THEN NULL ELSE 'https://shop.example/p/' || (i % 97) END,
               '198.51.' || (i % 256) || '.' || (i % 251),
               'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like '
               || 'Gecko) Chrome/131.0.0.0 Safari/537.36', 1, ({t0} + i * {step}) / 1000 - 600,
               CASE WHEN i % 6 = 0 THEN 'bot' ELSE 'human' END,
               CASE WHEN i % 6 = 0 THEN 'ua:apple-mpp net:apple' ELSE '' END, 47
        FROM k""")
    con.execute("INSERT OR REPLACE INTO counters (name, value) VALUES ('last_event_id', ?)",
                (n,))
    con.commit()
    con.close()
    print(f"built a log of {n} events in {time.monotonic() - started:.0f} s", flush=True)


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def call(self, method, target, body=None):
        self.conn.request(method, target, body=body,
                          headers={"Authorization": "Bearer " + API_SECRET})
        r = self.conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise SystemExit(f"{method} {target}: {r.status} {data[:300]}")
        return r, data


def wait_for_summary(client):
    """Until the server's summarizer has every event and no hour left to recompute (it builds
    the summary of a log that has none at start, and recomputes hours after an upgrade, in the
    background); how long that took, in seconds."""
    started = time.monotonic()
    while True:
        _, text = client.call("GET", "/metrics")
        values = dict(line.split()[:2] for line in text.decode().splitlines()
                      if line.startswith("linktrack_summarizer_"))
        if values.get("linktrack_summarizer_lag_events") == "0" and \
                values.get("linktrack_summarizer_pending_recomputes", "0") == "0" and \
                values.get("linktrack_summarizer_steps_total", "0") != "0":
            return time.monotonic() - started
        time.sleep(1)


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.monotonic()
        fn()
        times.append(time.monotonic() - start)
    return min(times), sorted(times)[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/linktrack")
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--keep", help="directory to build the log in and keep")
    ap.add_argument("--stream", type=int, default=2_000_000, help="events to page through")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    work = a.keep or tempfile.mkdtemp(prefix="linktrack-bench-api-")
    os.makedirs(work, exist_ok=True)
    config, admin = write_config(work)
    db = os.path.join(work, "clicks.db")
    build_log(binary, config, db, a.events)
    server = subprocess.Popen([binary, "serve", "-c", config], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", admin), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        c = Client(admin)
        results = {}
        # Stats are read as a running server answers them: with its summary current (exact
        # answers come from it where they can, from every event where they cannot).
        caught_up = wait_for_summary(c)
        results["summary_caught_up_s"] = round(caught_up, 1)
        print(f"summary current after {caught_up:.0f} s", flush=True)
        for name, target in [("stats_one_campaign", "/api/v1/stats?campaign=c7"),
                             ("stats_one_campaign_by_link", "/api/v1/stats?campaign=c7&by=link"),
                             ("stats_everything", "/api/v1/stats"),
                             ("stats_everything_by_campaign", "/api/v1/stats?by=campaign"),
                             ("stats_last_7d_by_day", "/api/v1/stats?since=7d&by=day"),
                             ("stats_one_domain", "/api/v1/stats?host=links.example.com"),
                             # By verdict: the summary keeps no machines' people, every event
                             # is read.
                             ("stats_everything_every_event", "/api/v1/stats?by=verdict"),
                             # The same from the summary (estimate=1), once it has caught up.
                             ("summary_one_campaign", "/api/v1/stats?campaign=c7&estimate=1"),
                             ("summary_one_campaign_by_link",
                              "/api/v1/stats?campaign=c7&by=link&estimate=1"),
                             ("summary_everything", "/api/v1/stats?estimate=1"),
                             ("summary_everything_by_campaign",
                              "/api/v1/stats?by=campaign&estimate=1"),
                             ("summary_last_7d_by_day", "/api/v1/stats?since=7d&by=day&estimate=1")]:
            best, median = timed(lambda: c.call("GET", target), 3)
            results[name] = {"best_s": round(best, 3), "median_s": round(median, 3)}
            print(f"{name:32} best {best * 1000:8.1f} ms  median {median * 1000:8.1f} ms",
                  flush=True)
        # Events: page through the first `stream` events, 100,000 a page, with curl as the client
        # (an analyst's script would use it or the like; Python's http.client alone reads
        # slower than the server sends).
        after, got, started = "0", 0, time.monotonic()
        while got < a.stream:
            out = subprocess.run(
                ["curl", "-sS", "--fail", "-D", "-", "-o", "/dev/null",
                 "-H", "Authorization: Bearer " + API_SECRET,
                 f"http://127.0.0.1:{admin}/api/v1/events?after={after}&limit=100000"],
                check=True, capture_output=True, text=True).stdout
            headers = {k.strip().lower(): v.strip() for k, _, v in
                       (line.partition(":") for line in out.splitlines()[1:] if ":" in line)}
            n = int(headers["linktrack-event-count"])
            if n == 0:
                break
            got += n
            after = headers["linktrack-next-after"]  # NODE:LOCAL
        elapsed = time.monotonic() - started
        results["events_per_s"] = round(got / elapsed)
        print(f"events streamed (curl): {got} in {elapsed:.2f} s = {got / elapsed:,.0f}/s",
              flush=True)
        # Links: batches of 10,000.
        batch = json.dumps({"links": [
            {"domain": "links.example.com", "url": f"https://shop.example/p/{i}?utm=x",
             "campaign": "spring", "template": "7", "message": f"{i:032x}", "recipient": str(i),
             "link": str(i % 6)} for i in range(10000)]})
        rounds = 10
        started = time.monotonic()
        for _ in range(rounds):
            c.call("POST", "/api/v1/links", batch)
        elapsed = time.monotonic() - started
        results["links_per_s"] = round(rounds * 10000 / elapsed)
        print(f"links minted: {rounds * 10000} in {elapsed:.2f} s = "
              f"{rounds * 10000 / elapsed:,.0f}/s", flush=True)
    finally:
        server.terminate()
        server.wait()
    out = {"machine": machine(),
           "events_in_log": a.events, "results": results}
    stamp = time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime())
    path = os.path.join(os.path.dirname(__file__), "results", f"api-{stamp}.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
    print("machine:", out["machine"])
    print("written", path)


if __name__ == "__main__":
    main()
