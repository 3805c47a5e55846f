"""Shipping to ClickHouse (Debian's clickhouse-server, on loopback, started here with its own
data directory; tests/integration/clickhouse_server.py):
  1. throughput: a log of N events (built in SQL, as tests/bench/api.py builds it) shipped from
     the server's start, timed until the spool is empty; ClickHouse's count checked;
  2. lag: browser-shaped clicks at a paced rate (wrk, distinct real tokens) for a while, the
     shipper's lag gauge (age of the oldest event not yet in ClickHouse) sampled every 100 ms.
  python3 tests/bench/clickhouse.py --binary build/linktrack [--events 1000000] [--rate 10000]
Everything shares the machine's cores. Figures name the machine and go to
tests/bench/results/clickhouse-<time>.json."""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from api import build_log, free_port, write_token_key
from machine import machine

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from clickhouse_server import ClickHouse  # noqa: E402

HOST = "links.example.com"
BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
              "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
    "Accept-Language": "en-GB,en-US;q=0.9,en;q=0.8",
    "Accept-Encoding": "gzip, deflate, br, zstd",
    "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Sec-CH-UA": '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
    "Sec-CH-UA-Mobile": "?0",
    "Sec-CH-UA-Platform": '"Windows"',
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-User": "?1",
    "Upgrade-Insecure-Requests": "1",
    "Priority": "u=0, i",
}


def write_config(work, http, admin, ch, database, batch_max, interval_ms):
    config = os.path.join(work, "linktrack.yaml")
    with open(config, "w") as f:
        f.write(f"""listen: {{http: "127.0.0.1:{http}", admin: "127.0.0.1:{admin}"}}
threads: 1
keys: [{{id: 1, secret_file: token-key}}]
store: {{path: clicks.db}}
log: {{level: warn}}
domains: [{{host: {HOST}}}]
node_id: bench
analytics:
  clickhouse: {{url: "{ch.url}", database: {database}, batch_max: {batch_max},
                batch_interval_ms: {interval_ms}}}
""")
    return config


def metrics(admin):
    text = urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics", timeout=5).read().decode()
    return {line.split()[0]: float(line.split()[1]) for line in text.splitlines()
            if line.startswith("linktrack_analytics_")}


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing answers on {port}")


def server_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(binary, work, ch, events, batch_max, round_):
    http, admin = free_port(), free_port()
    database = f"bench_{batch_max}_{round_}"
    config = write_config(work, http, admin, ch, database, batch_max, 1000)
    subprocess.run(["sqlite3", os.path.join(work, "clicks.db"), "DELETE FROM shipping_cursors"],
                   check=True)
    subprocess.run([binary, "migrate", "-c", config], check=True, capture_output=True)
    started = time.monotonic()
    server = subprocess.Popen([binary, "serve", "-c", config], stderr=subprocess.PIPE, text=True)
    try:
        wait_port(admin)
        deadline = time.monotonic() + 3600
        while True:
            m = metrics(admin)
            if m.get("linktrack_analytics_shipped_rows_total", 0) >= events and \
                    m["linktrack_analytics_spool_ids_behind"] == 0:
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("shipping did not finish: " + (server.stderr.read() or ""))
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        cpu = server_cpu(server.pid)
    finally:
        server.terminate()
        server.wait()
    stored = int(ch.query(f"SELECT count() FROM {database}.events FINAL"))
    assert stored == events, (stored, events)
    return {"batch_max": batch_max, "round": round_, "events": events,
            "seconds": round(elapsed, 2),
            "events_per_s": round(events / elapsed), "server_cpu_s": round(cpu, 2),
            "server_cpu_us_per_event": round(cpu * 1e6 / events, 2),
            "clickhouse_rows_final": stored}


LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local headers = %(headers)s
headers["Host"] = "%(host)s"
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function() return wrk.format("GET", paths[math.random(#paths)], headers) end
delay = function() return 1 end
"""


def lag(binary, ch, rate, seconds):
    work = tempfile.mkdtemp(prefix="linktrack-bench-ch-lag-")
    try:
        write_token_key(work)
        http, admin = free_port(), free_port()
        config = write_config(work, http, admin, ch, "bench_lag", 50000, 1000)
        subprocess.run([binary, "migrate", "-c", config], check=True, capture_output=True)
        lines = "".join(json.dumps({"url": f"https://www.example.com/products/item-{i}?ref=nl",
                                    "campaign": "spring-2026", "template": "7890",
                                    "message": f"{i:032x}", "recipient": str(100000 + i),
                                    "link": str(i % 12 + 1)}) + "\n" for i in range(20000))
        out = subprocess.run([binary, "sign", "-c", config, "--domain", HOST, "--batch"],
                             input=lines, capture_output=True, text=True, check=True).stdout
        paths = os.path.join(work, "paths.txt")
        with open(paths, "w") as f:
            for url in out.split():
                f.write(url.split(HOST, 1)[1] + "\n")
        script = os.path.join(work, "paced.lua")
        lua_headers = "{" + ", ".join(f'["{k}"] = {json.dumps(v)}' for k, v in BROWSER.items()) + "}"
        with open(script, "w") as f:
            f.write(LUA % {"paths": paths, "headers": lua_headers, "host": HOST})
        server = subprocess.Popen([binary, "serve", "-c", config], stderr=subprocess.PIPE,
                                  text=True)
        samples, stop = [], threading.Event()

        def sample():
            while not stop.is_set():
                samples.append(metrics(admin)["linktrack_analytics_lag_seconds"])
                time.sleep(0.1)

        try:
            wait_port(admin)
            sampler = threading.Thread(target=sample)
            sampler.start()
            # A connection sends a request, waits for the answer, then 1 ms: each does a little
            # under 1,000 a second.
            connections = max(1, round(rate / 550))
            out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script,
                                  f"http://127.0.0.1:{http}"], capture_output=True, text=True,
                                 timeout=seconds + 60).stdout
            deadline = time.monotonic() + 60
            while metrics(admin)["linktrack_analytics_spool_ids_behind"] > 0 and \
                    time.monotonic() < deadline:
                time.sleep(0.1)
            stop.set()
            sampler.join()
            final = metrics(admin)
        finally:
            stop.set()
            server.terminate()
            server.wait()
        achieved = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        stored = int(ch.query("SELECT count() FROM bench_lag.events FINAL"))
        logged = int(subprocess.run(["sqlite3", os.path.join(work, "clicks.db"),
                                     "SELECT count(*) FROM events"], capture_output=True,
                                    text=True, check=True).stdout)
        samples.sort()
        pick = lambda p: samples[min(len(samples) - 1, int(len(samples) * p))]  # noqa: E731
        return {"target_rate": rate, "achieved_rate": round(achieved), "seconds": seconds,
                "requests": requests, "log_events": logged, "clickhouse_rows_final": stored,
                "shipped_rows": int(final["linktrack_analytics_shipped_rows_total"]),
                "lag_samples": len(samples), "lag_p50_s": round(pick(0.50), 3),
                "lag_p99_s": round(pick(0.99), 3), "lag_max_s": round(samples[-1], 3),
                "lag_mean_s": round(statistics.mean(samples), 3),
                "note": "lag = the shipper's gauge: age of the oldest event not yet in ClickHouse, "
                        "an upper bound of every waiting event's lag"}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/linktrack")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--batch-max", type=int, nargs="+", default=[50000])
    ap.add_argument("--rounds", type=int, default=3, help="throughput runs per batch_max")
    ap.add_argument("--rate", type=int, default=10000)
    ap.add_argument("--seconds", type=int, default=30)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    work = tempfile.mkdtemp(prefix="linktrack-bench-ch-")
    result = {"machine": machine(), "throughput": [], "lag": None,
              "clickhouse": None, "note": "linktrack, ClickHouse and the load share the cores"}
    try:
        write_token_key(work)
        config = os.path.join(work, "linktrack.yaml")
        with open(config, "w") as f:
            f.write("keys: [{id: 1, secret_file: token-key}]\nstore: {path: clicks.db}\n"
                    "domains: [{host: links.example.com}]\n")
        build_log(binary, config, os.path.join(work, "clicks.db"), a.events)
        with ClickHouse() as ch:
            result["clickhouse"] = ch.query("SELECT version()").strip()
            for batch_max in a.batch_max:
                for round_ in range(1, a.rounds + 1):
                    r = throughput(binary, work, ch, a.events, batch_max, round_)
                    result["throughput"].append(r)
                    print(f"shipping, batch_max {batch_max}, round {round_}: {r['events']} events "
                          f"in {r['seconds']} s = {r['events_per_s']:,}/s; server CPU "
                          f"{r['server_cpu_us_per_event']} µs/event", flush=True)
            r = lag(binary, ch, a.rate, a.seconds)
            result["lag"] = r
            print(f"lag at {r['achieved_rate']:,} clicks/s for {r['seconds']} s: p50 "
                  f"{r['lag_p50_s']} s, p99 {r['lag_p99_s']} s, max {r['lag_max_s']} s; "
                  f"{r['clickhouse_rows_final']} of the log's {r['log_events']} events in "
                  f"ClickHouse ({r['requests']} requests)",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = os.path.join(os.path.dirname(__file__), "results",
                       time.strftime("clickhouse-%Y-%m-%dT%H%M%SZ.json", time.gmtime()))
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print("wrote", out)


if __name__ == "__main__":
    main()
