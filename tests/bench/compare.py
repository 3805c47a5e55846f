#!/usr/bin/env python3
"""Runs linktrack and nginx (static return 302 with the same Set-Cookie headers) with the same
certificate, one thread/worker each on CPU 0, and drives them with wrk on CPU 1, alternating
A B A B. Prints a table (figure, linktrack, nginx, ratio) and writes it as JSON under
tests/bench/results/. Called by compare.sh, which installs wrk and nginx and builds linktrack.
With --webhook, a third server joins the rotation: linktrack delivering every event to a
webhook receiver in this process (tests/integration/webhook_receiver.py, verifying signatures),
as an operator with a CRM endpoint runs it, so its ratio to nginx comes from the same run as
the plain one's; the table then also says whether every event arrived."""

import argparse
import datetime
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from webhook_receiver import Receiver  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from machine import machine  # noqa: E402

HOST = "links.bench.test"          # the TLS domain
PLAIN_HOST = "plain.bench.test"    # the same domain served over plain HTTP (as behind a CDN)
SECRET = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
COOKIES = [f"{n}=VALUE; Domain=bench.test; Path=/; Max-Age=2592000; Secure; SameSite=Lax"
           for n in ("lt_campaign", "lt_template", "lt_message", "lt_recipient")]
DESTINATION = "https://www.example.com/products/spring-sale?utm_source=email"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing on port {port}")


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def process_tree_hwm(pid):
    """Peak RSS of a process and its children (nginx's master and worker)."""
    total = rss_kib(pid, "VmHWM")
    try:
        for child in open(f"/proc/{pid}/task/{pid}/children").read().split():
            total += rss_kib(int(child), "VmHWM")
    except OSError:
        pass
    return total


WEBHOOK_SECRET = "whsec_" + SECRET
WITH_WEBHOOK = "linktrack+webhook"


class Servers:
    def __init__(self, binary, tmp, webhook_url=None):
        self.binary, self.tmp = binary, tmp
        self.lt = {"http": free_port(), "https": free_port(), "admin": free_port()}
        self.ngx = {"http": free_port(), "https": free_port()}
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30", "-subj",
                        "/CN=" + HOST, "-addext", "subjectAltName=DNS:" + HOST,
                        "-keyout", f"{tmp}/cert.key", "-out", f"{tmp}/cert.crt"],
                       check=True, capture_output=True)
        self.config = f"{tmp}/linktrack.yaml"
        with open(self.config, "w") as f:
            f.write(f"""listen:
  http: "127.0.0.1:{self.lt['http']}"
  https: "127.0.0.1:{self.lt['https']}"
  admin: "127.0.0.1:{self.lt['admin']}"
threads: 1
keys: [{{id: 1, secret: "{SECRET}"}}]
store: {{path: clicks.db}}
limits: {{max_connections: 50000, connections_per_client: 50000, idle_timeout_ms: 300000,
          header_timeout_ms: 300000}}
log: {{level: warn}}
tls: {{default_certificate: {{cert: cert.crt, key: cert.key}}}}  # wrk sends no SNI to 127.0.0.1
domains:
  - host: {HOST}
    tls: {{cert: cert.crt, key: cert.key}}
    cookies:
      domain: bench.test
      max_age: 30d
      names: {{campaign: lt_campaign, template: lt_template, message: lt_message, recipient: lt_recipient}}
    append_query: {{utm_source: email}}
  - host: {PLAIN_HOST}
    cookies:
      domain: bench.test
      max_age: 30d
      names: {{campaign: lt_campaign, template: lt_template, message: lt_message, recipient: lt_recipient}}
    append_query: {{utm_source: email}}
""")
        self.webhook_config = None
        if webhook_url:
            # The same server with its own log, delivering to the receiver.
            self.webhook_config = f"{tmp}/linktrack-webhook.yaml"
            with open(self.config) as f:
                text = f.read().replace("store: {path: clicks.db}",
                                        "store: {path: clicks-webhook.db}")
            with open(self.webhook_config, "w") as f:
                f.write(text + f"""webhooks:
  - {{id: bench, url: "{webhook_url}", secret: "{WEBHOOK_SECRET}", allow_private: true}}
""")
        cookie_lines = "\n".join(f'      add_header Set-Cookie "{c}" always;' for c in COOKIES)
        with open(f"{tmp}/nginx.conf", "w") as f:
            f.write(f"""worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 50000; }}
http {{
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:SSL:10m;
  client_body_temp_path {tmp}/nginx-body;
  server {{
    listen 127.0.0.1:{self.ngx['http']};
    listen 127.0.0.1:{self.ngx['https']} ssl;
    ssl_certificate {tmp}/cert.crt;
    ssl_certificate_key {tmp}/cert.key;
    location / {{
{cookie_lines}
      add_header Cache-Control no-store always;
      return 302 "{DESTINATION}";
    }}
  }}
}}
""")
        # A few thousand distinct real tokens, as an email campaign would produce.
        lines = "".join(json.dumps({"url": f"https://www.example.com/products/item-{i}?ref=nl",
                                    "campaign": "spring-2026", "template": "7890",
                                    "message": f"{i:032x}", "recipient": str(100000 + i),
                                    "link": str(i % 12 + 1)}) + "\n" for i in range(3000))
        for host in (HOST, PLAIN_HOST):
            out = subprocess.run([binary, "sign", "-c", self.config, "--domain", host, "--batch"],
                                 input=lines, capture_output=True, text=True, check=True).stdout
            with open(f"{tmp}/paths-{host}.txt", "w") as f:
                for url in out.split():
                    f.write(url.split(host, 1)[1] + "\n")

    def start(self, which):
        if which.startswith("linktrack"):
            config = self.webhook_config if which == WITH_WEBHOOK else self.config
            subprocess.run([self.binary, "migrate", "-c", config], check=True,
                           capture_output=True)
            self.proc = subprocess.Popen(["taskset", "-c", "0", self.binary, "serve", "-c",
                                          config], stdout=subprocess.DEVNULL,
                                         stderr=open(f"{self.tmp}/linktrack.log", "a"))
            wait_port(self.lt["https"])
            return self.lt
        self.proc = subprocess.Popen(["taskset", "-c", "0", "nginx", "-c", f"{self.tmp}/nginx.conf",
                                      "-p", self.tmp], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_port(self.ngx["https"])
        return self.ngx

    def stop(self):
        self.proc.send_signal(signal.SIGTERM if self.proc.args[3] != "nginx" else signal.SIGQUIT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local close = %(close)s
local pause = %(pause)d
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
  local headers = {["Host"] = "%(host)s"}
  if close then headers["Connection"] = "close" end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
if pause > 0 then
  delay = function() return pause end
end
"""


def wrk(tmp, url, connections, duration, close=False, pause=0):
    host = HOST if url.startswith("https") else PLAIN_HOST
    script = f"{tmp}/wrk-{host}-{int(close)}-{pause}.lua"
    with open(script, "w") as f:
        f.write(LUA % {"paths": f"{tmp}/paths-{host}.txt", "close": "true" if close else "false",
                       "pause": pause, "host": host})
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}",
                          f"-d{duration}s", "--latency", "-s", script, url],
                         capture_output=True, text=True, timeout=duration + 60).stdout
    def latency(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return None
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": latency("50"), "p99_ms": latency("99"), "requests": total,
            "bad_status": int(errors.group(1)) if errors else 0, "raw": out}


def idle_connections(port, count):
    """Opens `count` keep-alive connections, one request each, and leaves them idle."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 1000), hard))
    socks = []
    req = f"GET /healthz HTTP/1.1\r\nHost: {PLAIN_HOST}\r\n\r\n".encode()
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(req)
        socks.append(s)
    for s in socks:
        s.settimeout(10)
        s.recv(4096)
    return socks


def clicks_and_drops(admin_port):
    """The server's own count of clicks answered with 302, and of events it dropped."""
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics").read().decode()
    clicks = re.search(r'linktrack_requests_total\{route="click",status="302"\} (\d+)', metrics)
    drops = re.search(r'linktrack_click_events_dropped_total (\d+)', metrics)
    return int(clicks.group(1)) if clicks else 0, int(drops.group(1)) if drops else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--webhook", action="store_true",
                    help="also run linktrack delivering every event to a webhook receiver")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    tmp = tempfile.mkdtemp(prefix="linktrack-bench-")
    receiver = None
    if args.webhook:
        receiver = Receiver([WEBHOOK_SECRET]).__enter__()
        receiver.count_only = True
    servers = Servers(binary, tmp, receiver.url if receiver else None)
    names = ["linktrack"] + ([WITH_WEBHOOK] if receiver else []) + ["nginx"]
    ours = names[:-1]
    scenarios = [("http_keepalive", "http", False, 64), ("https_new_connection", "https", True, 64),
                 ("https_keepalive", "https", False, 64)]
    results = {s[0]: {n: [] for n in names} for s in scenarios}
    peak = {n: 0 for n in names}
    clicks_sent = {n: 0 for n in ours}
    dropped = {n: 0 for n in ours}  # events the click queue refused (full), as counted

    def count_clicks(name, ports):
        c, d = clicks_and_drops(ports["admin"])
        clicks_sent[name] += c
        dropped[name] += d

    try:
        for rnd in range(args.rounds):
            for name in names:
                ports = servers.start(name)
                for scenario, scheme, close, conns in scenarios:
                    r = wrk(tmp, f"{scheme}://127.0.0.1:{ports[scheme]}", conns, args.duration, close)
                    results[scenario][name].append(r)
                    print(f"round {rnd + 1} {name:17} {scenario:22} {r['rps']:>10.0f} req/s "
                          f"p50 {r['p50_ms']} ms p99 {r['p99_ms']} ms", flush=True)
                peak[name] = max(peak[name], process_tree_hwm(servers.proc.pid))
                if name in ours:
                    count_clicks(name, ports)
                servers.stop()

        # Latency at half of linktrack's peak keep-alive rate, paced (1 request per connection
        # per millisecond at most).
        half = statistics.mean(r["rps"] for r in results["http_keepalive"]["linktrack"]) / 2
        paced_conns = max(1, round(half / 1000))
        half_rate = {}
        for name in names:
            ports = servers.start(name)
            half_rate[name] = wrk(tmp, f"http://127.0.0.1:{ports['http']}", paced_conns,
                                  args.duration, pause=1)
            if name in ours:
                count_clicks(name, ports)
            servers.stop()

        # Memory of 10,000 idle keep-alive connections.
        idle = {}
        for name in names:
            ports = servers.start(name)
            time.sleep(0.5)
            pid = servers.proc.pid
            if name == "nginx":
                pid = int(open(f"/proc/{pid}/task/{pid}/children").read().split()[0])
            before = rss_kib(pid)
            socks = idle_connections(ports["http"], 10000)
            time.sleep(1)
            after = rss_kib(pid)
            idle[name] = (after - before) * 1024 / 10000
            for s in socks:
                s.close()
            servers.stop()

        rows = {}
        for name in ours:
            con = sqlite3.connect(f"{tmp}/clicks{'-webhook' if name == WITH_WEBHOOK else ''}.db")
            rows[name] = con.execute("SELECT count(*) FROM events").fetchone()[0]
            con.close()
        if receiver:
            # What was still pending when the last run stopped goes out at the next start.
            servers.start(WITH_WEBHOOK)
            receiver.wait_for_events(rows[WITH_WEBHOOK], 120)
            servers.stop()
    finally:
        try:
            servers.stop()
        except Exception:
            pass

    def mean(scenario, name, key):
        vals = [r[key] for r in results[scenario][name] if r[key] is not None]
        return statistics.mean(vals) if vals else None

    table = []
    for scenario, *_ in scenarios:
        for key, label in (("rps", "req/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms")):
            table.append((f"{scenario} {label}", [mean(scenario, n, key) for n in names]))
    for key, label in (("rps", "req/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms")):
        table.append((f"half-peak ({half:.0f}/s target) {label}",
                      [half_rate[n][key] for n in names]))
    table.append(("peak RSS KiB", [peak[n] for n in names]))
    table.append(("bytes per idle keep-alive connection", [idle[n] for n in names]))

    fmt = lambda v: "-" if v is None else (f"{v:.3f}" if isinstance(v, float) and v < 100 else f"{v:.0f}")
    print()
    print(f"{'figure':52} " + " ".join(f"{n:>17}" for n in names) + " " +
          " ".join(f"{'ratio ' + ('+wh' if n == WITH_WEBHOOK else ''):>9}" for n in ours))
    out_rows = []
    for label, values in table:
        ratios = [(v / values[-1]) if (v is not None and values[-1]) else None
                  for v in values[:-1]]
        print(f"{label:52} " + " ".join(f"{fmt(v):>17}" for v in values) + " " +
              " ".join(f"{('-' if r is None else f'{r:.2f}'):>9}" for r in ratios))
        row = {"figure": label, **dict(zip(names, values)), "ratio": ratios[0]}
        if receiver:
            row["ratio_with_webhook"] = ratios[1]
        out_rows.append(row)
    ok = all(rows[n] == clicks_sent[n] for n in ours)
    for n in ours:
        print(f"{n}: events in SQLite {'equal' if rows[n] == clicks_sent[n] else 'DIFFER FROM'} "
              f"the 302s answered ({rows[n]} / {clicks_sent[n]}); {dropped[n]} dropped (queue full)")
    if receiver:
        delivered = receiver.events_received
        print(f"{WITH_WEBHOOK}: events delivered to the webhook {'equal' if delivered == rows[WITH_WEBHOOK] else 'DIFFER FROM'} "
              f"the events in SQLite ({delivered} / {rows[WITH_WEBHOOK]})")
        ok = ok and delivered == rows[WITH_WEBHOOK]

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    os.makedirs("tests/bench/results", exist_ok=True)
    path = f"tests/bench/results/{stamp}.json"
    with open(path, "w") as f:
        json.dump({"commit": commit, "date": stamp, "duration_s": args.duration,
                   "rounds": args.rounds, "cpus": "servers on CPU 0, wrk on CPU 1",
                   "machine": machine(), "rows": out_rows,
                   "events_match": all(rows[n] == clicks_sent[n] for n in ours),
                   "events_dropped": dropped,
                   "webhook_events_delivered": receiver.events_received if receiver else None},
                  f, indent=2)
    print(f"written to {path}")
    shutil.rmtree(tmp, ignore_errors=True)
    if receiver:
        receiver.__exit__(None, None, None)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
