"""`linktrack export` on a large log: time and peak memory for NDJSON and CSV at two sizes, to
show that it streams (memory flat in the number of events) and how fast.
  python3 tests/bench/export.py --binary build/linktrack [--events 1000000]"""

import argparse
import base64
import os
import random
import resource
import sqlite3
import subprocess
import tempfile
import time

from machine import cpu_model


def fill(db, n):
    """n events shaped like real ones: a few campaigns, random recipients, browser user agents."""
    rng = random.Random(7)
    uas = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36", "Mozilla/5.0", "curl/8.5.0"]
    con = sqlite3.connect(db)
    have = con.execute("SELECT count(*) FROM events").fetchone()[0]
    t0 = 1790000000000
    rows = ((t0 + i * 10, "click" if i % 3 else "open", "links.example.com", f"c{i % 5}", "7",
             f"{rng.getrandbits(64):016x}", str(rng.getrandbits(32)), str(i % 6),
             None if i % 3 == 0 else f"https://shop.example/p/{i % 97}?ref=nl",
             f"198.51.{i % 256}.{i % 251}", uas[i % 3], None, 1, (t0 // 1000) - 60,
             "human" if i % 3 else "bot", "" if i % 3 else "ua:apple-mpp net:apple", 47)
            for i in range(have, n))
    con.executemany("INSERT INTO events (time_ms, kind, host, campaign, template, message, "
                    "recipient, link, destination, client_ip, user_agent, referer, key_id, sent_at, "
                    "verdict, reasons, evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()


def run_export(binary, config, fmt):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with open(os.devnull, "w") as sink:
        p = subprocess.run([binary, "export", "-c", config, "--format", fmt], stdout=sink,
                           stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - start
    if p.returncode:
        raise SystemExit(p.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, after.ru_maxrss, after.ru_utime - before.ru_utime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/linktrack")
    ap.add_argument("--events", type=int, default=1000000)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="linktrack-export-") as tmp:
        config = os.path.join(tmp, "linktrack.yaml")
        with open(config, "w") as f:
            f.write(f"""listen: {{http: ["127.0.0.1:1"]}}
keys: [{{id: 1, secret: "{base64.b64encode(bytes(32)).decode()}"}}]
store: {{path: clicks.db}}
domains: [{{host: links.example.com}}]
""")
        subprocess.run([binary, "migrate", "-c", config], check=True, capture_output=True)
        db = os.path.join(tmp, "clicks.db")
        # ru_maxrss of children is the largest so far: the small log goes first.
        for n in (args.events // 10, args.events):
            fill(db, n)
            for fmt in ("ndjson", "csv"):
                elapsed, rss_kb, cpu = run_export(binary, config, fmt)
                print(f"{n:>9} events  {fmt:<6}  {elapsed:6.2f} s  ({n / elapsed:,.0f} events/s, "
                      f"{cpu:.2f} s CPU)  peak RSS so far {rss_kb / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
