#!/usr/bin/env python3
"""Runs linktrack against two nginx servers doing the same answer with the same certificate:
`nginx` a static `return 302` with the same Set-Cookie headers, `nginx-log` the same writing
every request to an access log on disk (request line, client, user agent, referer; buffer=64k),
the fair floor for a server that logs every click. One thread/worker each on CPU 0, wrk on CPU
1, alternating A B C A B C. Each scenario runs with two request shapes: wrk's (Host and a path)
and a browser's (the 17 headers, about 980 bytes, current Chrome sends on a link click).
Prints a table (figure, each server, linktrack's ratio to each nginx) and writes it as JSON
under tests/bench/results/. Called by compare.sh, which installs wrk and nginx and builds
linktrack. With --webhook, linktrack delivering every event to a webhook receiver in this
process (tests/integration/webhook_receiver.py, verifying signatures) joins the rotation, and
the table also says whether every event arrived."""

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


# What current Chrome sends when a link in a webmail is clicked (the Cookie a returning
# visitor of the tracking domain has): 17 header lines, about 980 bytes with the request line.
BROWSER_HEADERS = [
    ("Connection", "keep-alive"),
    ("sec-ch-ua", '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"'),
    ("sec-ch-ua-mobile", "?0"),
    ("sec-ch-ua-platform", '"Windows"'),
    ("Upgrade-Insecure-Requests", "1"),
    ("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                   "Gecko) Chrome/131.0.0.0 Safari/537.36"),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
               "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"),
    ("Sec-Fetch-Site", "cross-site"),
    ("Sec-Fetch-Mode", "navigate"),
    ("Sec-Fetch-User", "?1"),
    ("Sec-Fetch-Dest", "document"),
    ("Referer", "https://mail.google.com/"),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
    ("Accept-Language", "en-US,en;q=0.9,de;q=0.8"),
    ("Priority", "u=0, i"),
    ("Cookie", "lt_campaign=spring-2026; lt_recipient=100042; _ga=GA1.1.1234567890.1700000000"),
]


def browser_request(path, host):
    """One browser-shaped request, as bytes (instructions.py sends it; the JSON names its size)."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}"] + [f"{k}: {v}" for k, v in BROWSER_HEADERS]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


SHAPES = ("wrk", "browser")
NGINX = ("nginx-log", "nginx")  # the comparisons, in the table's order


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
        # Each linktrack in the rotation: its binary, config, click log and the config's extra keys.
        self.ours = {"linktrack": {"binary": binary, "config": self.config, "log": "clicks.db",
                                   "extra": ""}}
        # Two threads, the same log: reported only.
        self.two_threads = self.variant("linktrack-2", "clicks.db", threads=2)
        if webhook_url:
            # The same server with its own log, delivering to the receiver.
            self.add(WITH_WEBHOOK, binary, f"""webhooks:
  - {{id: bench, url: "{webhook_url}", secret: "{WEBHOOK_SECRET}", allow_private: true}}
""")
        for workers in (1, 2):
            for name in NGINX:
                with open(f"{tmp}/{name}-{workers}.conf", "w") as f:
                    f.write(self.nginx_conf(workers, name == "nginx-log"))
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

    def nginx_conf(self, workers, log):
        tmp = self.tmp
        cookie_lines = "\n".join(f'      add_header Set-Cookie "{c}" always;' for c in COOKIES)
        access = (f"""  log_format click '$remote_addr [$time_local] "$request" $status '
                   '"$http_user_agent" "$http_referer"';
  access_log {tmp}/nginx-access.log click buffer=64k;""" if log else "  access_log off;")
        return f"""worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 50000; }}
http {{
{access}
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
"""

    def variant(self, name, log, threads=1, extra=""):
        """The base config with another click log (a file in tmp), thread count and extra keys."""
        with open(self.config) as f:
            text = f.read()
        text = text.replace("store: {path: clicks.db}", f"store: {{path: {log}}}")
        path = f"{self.tmp}/{name}.yaml"
        with open(path, "w") as f:
            f.write(text.replace("threads: 1", f"threads: {threads}") + extra)
        return path

    def add(self, name, binary, extra=""):
        """Another linktrack in the rotation (a --also build, or with webhooks), its own log."""
        log = f"clicks-{name.replace('+', '-')}.db"
        self.ours[name] = {"binary": binary, "config": self.variant(name, log, extra=extra),
                           "log": log, "extra": extra}

    def start(self, which, workers=1, empty_log=False):
        cpus = "0" if workers == 1 else "0,1"
        if which in self.ours:
            ours = self.ours[which]
            binary, config = ours["binary"], ours["config"] if workers == 1 else self.two_threads
            if empty_log:
                # A log of its own, empty: the re-scorer and the summary, catching up on the
                # millions of events of the runs before, would otherwise grow the RSS measured.
                config = self.variant(f"idle-{which}", f"clicks-idle-{which}.db",
                                      extra=ours["extra"])
            subprocess.run([binary, "migrate", "-c", config], check=True,
                           capture_output=True)
            self.proc = subprocess.Popen(["taskset", "-c", cpus, binary, "serve", "-c",
                                          config], stdout=subprocess.DEVNULL,
                                         stderr=open(f"{self.tmp}/linktrack.log", "a"))
            wait_port(self.lt["https"])
            return self.lt
        self.proc = subprocess.Popen(["taskset", "-c", cpus, "nginx", "-c",
                                      f"{self.tmp}/{which}-{workers}.conf", "-p", self.tmp],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
local shape = {%(headers)s}
request = function()
  local headers = {["Host"] = "%(host)s"}
  for i = 1, #shape, 2 do headers[shape[i]] = shape[i + 1] end
  if close then headers["Connection"] = "close" end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
if pause > 0 then
  -- Exponential pauses of mean `pause` ms: clicks arrive as independent people make them. A
  -- fixed pause keeps every connection in step (wrk's timers fire on whole milliseconds), and
  -- all of them then send at once: a burst of one request a connection every few ms, whose
  -- last answer waits for the whole burst.
  delay = function() return math.floor(-math.log(1 - math.random()) * pause + 0.5) end
end
"""


# A browser's TLS offer as far as wrk's OpenSSL can make it: Chrome, Firefox and Safari all list
# AES-128-GCM first, where OpenSSL's default (and so wrk's) lists AES-256-GCM-SHA384 first, and
# a server that follows the client's order (nginx and linktrack both do) would otherwise pay for
# SHA-384 key schedules no browser asks for. (Chrome's hybrid post-quantum group is not in
# OpenSSL 3.0; X25519 is its classical first choice.)
BROWSER_TLS = """openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_module
[ssl_module]
system_default = browser_tls
[browser_tls]
Ciphersuites = TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
Groups = X25519:P-256:P-384
"""


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(tmp, url, connections, duration, close=False, pause=0, shape="wrk", cpus="1",
        threads=1):
    host = HOST if url.startswith("https") else PLAIN_HOST
    script = f"{tmp}/wrk-{host}-{int(close)}-{pause}-{shape}.lua"
    headers = BROWSER_HEADERS if shape == "browser" else []
    with open(script, "w") as f:
        f.write(LUA % {"paths": f"{tmp}/paths-{host}.txt", "close": "true" if close else "false",
                       "pause": pause, "host": host,
                       "headers": ", ".join(f"{lua_string(k)}, {lua_string(v)}"
                                            for k, v in headers)})
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s",
               script, url]
    if cpus:
        command = ["taskset", "-c", cpus] + command
    env = None
    if shape == "browser":
        conf = f"{tmp}/browser-tls.cnf"
        if not os.path.exists(conf):
            with open(conf, "w") as f:
                f.write(BROWSER_TLS)
        env = dict(os.environ, OPENSSL_CONF=conf)
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60,
                         env=env).stdout
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


def idle_connections(port, count, tls=False):
    """Opens `count` keep-alive connections (TLS ones with `tls`), one request each, and leaves
    them idle."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 1000), hard))
    if tls:
        import ssl
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    req = browser_request("/healthz", HOST if tls else PLAIN_HOST)
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        if tls:  # one at a time: a handshake waits for its answer
            s = ctx.wrap_socket(s, server_hostname=HOST)
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
    ap.add_argument("--also", action="append", default=[], metavar="LABEL=BINARY",
                    help="another linktrack build in the same rotation (A/B within one run)")
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
    for also in args.also:
        label, _, path = also.partition("=")
        servers.add(label, os.path.abspath(path))
    ours = list(servers.ours)
    names = ours + list(NGINX)
    scenarios = [(f"{kind} {shape}", scheme, close, shape)
                 for kind, scheme, close in (("http_keepalive", "http", False),
                                             ("https_keepalive", "https", False),
                                             ("https_new_connection", "https", True))
                 for shape in SHAPES]
    results = {s[0]: {n: [] for n in names} for s in scenarios}
    peak = {n: 0 for n in names}
    clicks_sent = {n: 0 for n in ours}
    dropped = {n: 0 for n in ours}  # events the click queue refused (full), as counted

    def count_clicks(name, ports):
        c, d = clicks_and_drops(ports["admin"])
        clicks_sent[name] += c
        dropped[name] += d

    def run(name, **wrk_args):
        """One server started, measured and stopped: its clicks counted when it is ours."""
        ports = servers.start(name, wrk_args.pop("workers", 1))
        try:
            return wrk_args.pop("each")(ports)
        finally:
            peak[name] = max(peak[name], process_tree_hwm(servers.proc.pid))
            if name in ours:
                count_clicks(name, ports)
            servers.stop()

    try:
        for rnd in range(args.rounds):
            for name in names:
                def each(ports, name=name):
                    for scenario, scheme, close, shape in scenarios:
                        r = wrk(tmp, f"{scheme}://127.0.0.1:{ports[scheme]}", 64, args.duration,
                                close, shape=shape)
                        results[scenario][name].append(r)
                        print(f"round {rnd + 1} {name:17} {scenario:30} {r['rps']:>10.0f} req/s "
                              f"p50 {r['p50_ms']} ms p99 {r['p99_ms']} ms", flush=True)
                run(name, each=each)

        # Latency at half and at 80% of linktrack's peak (browser-shaped HTTP keep-alive),
        # paced: each connection sends a request, waits for the answer, then pauses a random
        # time of mean PAUSE ms (see LUA), so connections = rate x PAUSE (a little under the
        # rate by the answers' own time).
        peak_rps = statistics.mean(r["rps"] for r in results["http_keepalive browser"]["linktrack"])
        pause_ms = 5
        paced = {}
        for share in (0.5, 0.8):
            connections = max(1, round(peak_rps * share * pause_ms / 1000))
            for name in names:
                paced[(share, name)] = run(name, each=lambda ports: wrk(
                    tmp, f"http://127.0.0.1:{ports['http']}", connections, args.duration,
                    pause=pause_ms, shape="browser"))
                r = paced[(share, name)]
                print(f"{share:.0%} of peak  {name:17} {r['rps']:>10.0f} req/s p50 {r['p50_ms']} "
                      f"ms p99 {r['p99_ms']} ms", flush=True)

        # Reported only: two threads/workers on both CPUs, wrk beside them (it has no core
        # of its own here, so these are not a fair ratio, only a direction).
        two = {}
        for name in ["linktrack"] + list(NGINX):
            two[name] = run(name, workers=2, each=lambda ports: wrk(
                tmp, f"http://127.0.0.1:{ports['http']}", 64, args.duration, shape="browser",
                cpus=None, threads=2))
            print(f"2 threads        {name:17} {two[name]['rps']:>10.0f} req/s", flush=True)

        # Memory of 10,000 idle keep-alive connections, and of 2,000 idle TLS ones.
        # Every server's plain figure before any TLS one: right after a server's 2,000 TLS
        # connections, the next server's 10,000 plain ones were refused on this machine.
        idle, idle_tls = {}, {}
        for figure, count, scheme in ((idle, 10000, "http"), (idle_tls, 2000, "https")):
            for name in names:
                ports = servers.start(name, empty_log=True)
                time.sleep(0.5)
                pid = servers.proc.pid
                if name in NGINX:
                    pid = int(open(f"/proc/{pid}/task/{pid}/children").read().split()[0])
                before = rss_kib(pid)
                socks = idle_connections(ports[scheme], count, tls=scheme == "https")
                time.sleep(1)
                after = rss_kib(pid)
                figure[name] = (after - before) * 1024 / count
                for s in socks:
                    s.close()
                servers.stop()

        rows = {}
        for name in ours:
            con = sqlite3.connect(f"{tmp}/{servers.ours[name]['log']}")
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
    for share in (0.5, 0.8):
        for key, label in (("rps", "req/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms")):
            table.append((f"{share:.0%} of peak ({peak_rps * share:.0f}/s target) {label}",
                          [paced[(share, n)][key] for n in names]))
    table.append(("2 threads/workers, wrk beside them (reported only) req/s",
                  [two[n]["rps"] if n in two else None for n in names]))
    table.append(("peak RSS KiB", [peak[n] for n in names]))
    table.append(("bytes per idle keep-alive connection", [idle[n] for n in names]))
    table.append(("bytes per idle TLS keep-alive connection", [idle_tls[n] for n in names]))

    fmt = lambda v: "-" if v is None else (f"{v:.3f}" if isinstance(v, float) and v < 100 else f"{v:.0f}")
    ratio_names = [(o, n) for o in ours for n in NGINX]
    ratio_label = lambda o, n: ("" if o == "linktrack" else "+wh" if o == WITH_WEBHOOK else o) + "/" + n
    print()
    print(f"{'figure':62} " + " ".join(f"{n[:17]:>17}" for n in names) + " " +
          " ".join(f"{ratio_label(o, n):>13}" for o, n in ratio_names))
    out_rows = []
    for label, values in table:
        by = dict(zip(names, values))
        ratios = {(o, n): (by[o] / by[n]) if (by[o] is not None and by[n]) else None
                  for o, n in ratio_names}
        print(f"{label:62} " + " ".join(f"{fmt(v):>17}" for v in values) + " " +
              " ".join(f"{('-' if r is None else f'{r:.2f}'):>13}" for r in ratios.values()))
        row = {"figure": label, **by}
        for (o, n), r in ratios.items():
            which = "" if o == "linktrack" else "_with_webhook" if o == WITH_WEBHOOK else f"_{o}"
            row[f"ratio{which}_to_{n.replace('-', '_')}"] = r
        out_rows.append(row)
    # Each round's ratio, of servers measured minutes apart rather than a whole run apart: on a
    # shared machine another tenant's load can change between rounds, and a mean of req/s over
    # rounds carries one disturbed round into every ratio. The median of these resists it.
    print()
    print("req/s ratios round by round (median):")
    round_ratios = {}
    for scenario, *_ in scenarios:
        for o, n in ratio_names:
            per_round = [a["rps"] / b["rps"] for a, b in zip(results[scenario][o],
                                                              results[scenario][n]) if b["rps"]]
            if not per_round:
                continue
            key = f"{scenario} {ratio_label(o, n)}"
            round_ratios[key] = {"rounds": per_round, "median": statistics.median(per_round)}
            print(f"  {key:62} " + " ".join(f"{r:.2f}" for r in per_round) +
                  f"  median {statistics.median(per_round):.2f}")
    ok = all(rows[n] == clicks_sent[n] for n in ours)
    for n in ours:
        print(f"{n}: events in SQLite {'equal' if rows[n] == clicks_sent[n] else 'DIFFER FROM'} "
              f"the 302s answered ({rows[n]} / {clicks_sent[n]}); {dropped[n]} dropped (queue full)")
    if receiver:
        delivered = receiver.events_received
        print(f"{WITH_WEBHOOK}: events delivered to the webhook {'equal' if delivered == rows[WITH_WEBHOOK] else 'DIFFER FROM'} "
              f"the events in SQLite ({delivered} / {rows[WITH_WEBHOOK]})")
        ok = ok and delivered == rows[WITH_WEBHOOK]
    with open(f"{tmp}/paths-{HOST}.txt") as f:
        first_path = f.readline().strip()
    where = machine()
    print(f"machine: {where['cpu']}, {where['cores']} cores, kernel {where['kernel']}")

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    os.makedirs("tests/bench/results", exist_ok=True)
    path = f"tests/bench/results/{stamp}.json"
    with open(path, "w") as f:
        json.dump({"commit": commit, "date": stamp, "duration_s": args.duration,
                   "rounds": args.rounds,
                   "cpus": "servers on CPU 0, wrk on CPU 1 (the 2-thread row: both CPUs, shared)",
                   "machine": where, "browser_request_headers": len(BROWSER_HEADERS) + 1,
                   "browser_request_bytes": len(browser_request(first_path, HOST)),
                   "browser_tls_offer": "TLS 1.3 suites AES-128-GCM first (BROWSER_TLS)",
                   "pacing": f"exponential pauses, mean {pause_ms} ms",
                   "rows": out_rows, "round_ratios": round_ratios,
                   "events_match": all(rows[n] == clicks_sent[n] for n in ours),
                   "events": {n: {"rows": rows[n], "302s": clicks_sent[n]} for n in ours},
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
