"""A quick A/B of builds on one scenario, browser-shaped, with the logging nginx in the same
rotation (compare.py measures everything; this one scenario in a few minutes):
  python3 tests/bench/ab.py [--scenario http|https|new-tls] [--rounds 3] [--duration 6]
                            LABEL=BINARY [LABEL=BINARY ...]
One thread/worker on CPU 0, wrk on CPU 1, 64 connections; prints each round and the mean
ratio of each build to nginx-log. Only ratios from one run compare."""

import argparse
import os
import sys
import tempfile
import time

import compare
from machine import machine


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", choices=["http", "https", "new-tls"], default="http")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=6)
    ap.add_argument("builds", nargs="+", metavar="LABEL=BINARY")
    a = ap.parse_args()
    builds = dict(b.split("=", 1) for b in a.builds)
    scheme = "http" if a.scenario == "http" else "https"
    close = a.scenario == "new-tls"
    tmp = tempfile.mkdtemp(prefix="linktrack-ab-")
    servers = compare.Servers(os.path.abspath(next(iter(builds.values()))), tmp)
    for name, binary in builds.items():
        servers.add(name, os.path.abspath(binary))
    rates = {name: [] for name in list(builds) + ["nginx-log"]}
    for r in range(a.rounds):
        for name in rates:
            ports = servers.start(name)
            time.sleep(0.5)
            url = f"{scheme}://127.0.0.1:{ports[scheme]}"
            compare.wrk(tmp, url, 64, 1, close=close, shape="browser")  # warm-up
            w = compare.wrk(tmp, url, 64, a.duration, close=close, shape="browser")
            servers.stop()
            rates[name].append(w["rps"])
            print(f"round {r + 1} {name:12} {w['rps']:9.0f} req/s", flush=True)
    print(f"{a.scenario}, browser-shaped; machine: {machine()}")
    floor = sum(rates["nginx-log"])
    for name, v in rates.items():
        print(f"{name:12} mean {sum(v) / len(v):9.0f} req/s   {sum(v) / floor:.3f}× nginx-log")


if __name__ == "__main__":
    sys.exit(main())
