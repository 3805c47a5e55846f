"""Webhook delivery throughput: a log of N events (built in SQL, as tests/bench/api.py builds
it) sent to a local Standard Webhooks receiver (tests/integration/webhook_receiver.py, which
verifies every signature) from the endpoint's first start, with `replay --since` backfilling
the whole log; timed from the server's start to the last event received.
  python3 tests/bench/webhooks.py --binary build/linktrack [--events 1000000] [--batch-max 500 2000]
Figures name the machine and go to tests/bench/results/webhooks-<time>.json."""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from api import build_log, free_port, write_token_key
from machine import machine

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from webhook_receiver import Receiver  # noqa: E402

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()


def run_once(binary, work, events, batch_max):
    admin, http = free_port(), free_port()
    config = os.path.join(work, "linktrack.yaml")
    with Receiver([SECRET]) as rx:
        rx.count_only = True
        with open(config, "w") as f:
            f.write(f"""listen: {{http: "127.0.0.1:{http}", admin: "127.0.0.1:{admin}"}}
threads: 1
keys: [{{id: 1, secret_file: token-key}}]
store: {{path: clicks.db}}
log: {{level: warn}}
domains: [{{host: links.example.com}}]
webhooks:
  - {{id: bench, url: "{rx.url}", secret: "{SECRET}", batch_max: {batch_max},
      batch_interval_ms: 100, allow_private: true}}
""")
        # The endpoint's cursor and batches start afresh each run; the events stay.
        subprocess.run(["sqlite3", os.path.join(work, "clicks.db"),
                        "DELETE FROM webhook_batches; DELETE FROM webhook_endpoints"], check=True)
        subprocess.run([binary, "webhooks", "replay", "-c", config, "--endpoint", "bench",
                        "--since", "400d"], check=True, capture_output=True)
        started = time.monotonic()
        cpu_before = os.times()
        server = subprocess.Popen([binary, "serve", "-c", config], stderr=subprocess.PIPE,
                                  text=True)
        try:
            deadline = time.monotonic() + 3600
            while not rx.wait_for_events(events, 1):
                if server.poll() is not None:
                    raise SystemExit("the server stopped: " + server.stderr.read())
                if time.monotonic() > deadline:
                    raise SystemExit(f"only {rx.events_received} of {events} arrived")
            elapsed = time.monotonic() - started
            with open(f"/proc/{server.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks = os.sysconf("SC_CLK_TCK")
            server_cpu = (int(fields[11]) + int(fields[12])) / ticks
        finally:
            server.terminate()
            server.wait()
        receiver_cpu = sum(os.times()[:2]) - sum(cpu_before[:2])
        batches = len(rx.attempts)
    return {"batch_max": batch_max, "events": events, "batches": batches,
            "seconds": round(elapsed, 2), "events_per_s": round(events / elapsed),
            "server_cpu_s": round(server_cpu, 2),
            "server_cpu_us_per_event": round(server_cpu * 1e6 / events, 2),
            "receiver_cpu_s": round(receiver_cpu, 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/linktrack")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--batch-max", type=int, nargs="+", default=[500, 2000])
    ap.add_argument("--keep", help="directory to build the log in and keep")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    work = a.keep or tempfile.mkdtemp(prefix="linktrack-bench-webhooks-")
    os.makedirs(work, exist_ok=True)
    write_token_key(work)
    config = os.path.join(work, "linktrack.yaml")
    with open(config, "w") as f:
        f.write("keys: [{id: 1, secret_file: token-key}]\nstore: {path: clicks.db}\n"
                "domains: [{host: links.example.com}]\n")
    build_log(binary, config, os.path.join(work, "clicks.db"), a.events)
    runs = []
    for batch_max in a.batch_max:
        r = run_once(binary, work, a.events, batch_max)
        runs.append(r)
        print(f"batch_max {batch_max:5}: {r['events']} events in {r['seconds']} s = "
              f"{r['events_per_s']:,}/s ({r['batches']} batches); server CPU "
              f"{r['server_cpu_us_per_event']} µs/event, receiver CPU {r['receiver_cpu_s']} s",
              flush=True)
    result = {"machine": machine(), "runs": runs,
              "note": "the receiver (Python, verifying every signature) shares the 2 cores"}
    out = os.path.join(os.path.dirname(__file__), "results",
                       time.strftime("webhooks-%Y-%m-%dT%H%M%SZ.json", time.gmtime()))
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print("wrote", out)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
