#!/usr/bin/env python3
"""Instructions per click, counted by valgrind's callgrind, by stage: the I/O thread's (parse,
token, destination, cookies, classification, event, response, queue, the rest: sockets and
Asio) and the click writer's per event. Unlike requests per second these counts do not move
with the machine's load, so they compare commits exactly. One plain-HTTP keep-alive connection
(TLS with --https) sends the same real tokens compare.py uses, as a browser sends them
(compare.BROWSER_HEADERS; --shape wrk for Host and path only); counting starts after a warm-up.
Called by instructions.sh, which installs valgrind and builds linktrack."""

import argparse
import os
import socket
import ssl
import subprocess
import tempfile
import time

import compare


# Each stage: the functions whose inclusive cost it is (summed), and stages inside it to take
# out. Names as callgrind_annotate prints them (a substring of the line).
STAGES = [
    ("parse", ["boost::beast::http::basic_parser<true>::put(",
               "linktrack::server::scan_headers(", "linktrack::server::request_view("], []),
    ("token", ["linktrack::token::TokenCodec::decode("], []),
    ("destination", ["linktrack::net::destination_problem", "linktrack::http::append_query("], []),
    ("cookies", ["linktrack::http::attribution_cookies"], []),
    ("classification", ["linktrack::classify::Classifier::assess(",
                        "linktrack::classify::evidence_of("], []),
    ("event build", ["::event_for("], ["classification"]),
    ("response", ["::build(linktrack::http::Response"], []),
    ("metrics", ["::Metrics::count(linktrack::http::Response const&)"], []),
    ("queue", ["linktrack::clicklog::SqliteWriter::submit("], []),
]


def inclusive(annotated, name):
    """The largest inclusive cost of a line naming `name` (a function may show up under several
    instantiations; the outermost is the largest)."""
    costs = [int(line.split()[0].replace(",", "")) for line in annotated.splitlines()
             if name in line and line.strip()[:1].isdigit()]
    return max(costs, default=0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--clicks", type=int, default=2000)
    ap.add_argument("--https", action="store_true", help="one TLS keep-alive connection instead")
    ap.add_argument("--shape", choices=("browser", "wrk"), default="browser",
                    help="the request: a browser's 17 headers, or Host and path only")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    tmp = tempfile.mkdtemp(prefix="linktrack-instructions-")
    servers = compare.Servers(binary, tmp)
    subprocess.run([binary, "migrate", "-c", servers.config], check=True, capture_output=True)
    out = f"{tmp}/callgrind.out"
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                             binary, "serve", "-c", servers.config],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        compare.wait_port(servers.lt["http"], timeout=120)
        host = compare.HOST if args.https else compare.PLAIN_HOST
        with open(f"{tmp}/paths-{host}.txt") as f:
            paths = f.read().split()
        conn = socket.create_connection(
            ("127.0.0.1", servers.lt["https" if args.https else "http"]))
        if args.https:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            conn = ctx.wrap_socket(conn, server_hostname=host)

        def click(i):
            path = paths[i % len(paths)]
            conn.sendall(compare.browser_request(path, host) if args.shape == "browser" else
                         f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            data = b""
            while b"Redirecting\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    raise RuntimeError("connection closed")
                data += chunk
            if not data.startswith(b"HTTP/1.1 302"):
                raise RuntimeError(data[:200])

        for i in range(100):
            click(i)
        subprocess.run(["callgrind_control", "-z", str(proc.pid)], check=True, capture_output=True)
        for i in range(args.clicks):
            click(i)
        time.sleep(0.5)  # let the writer commit the last batch
        subprocess.run(["callgrind_control", "-d", str(proc.pid)], check=True, capture_output=True)
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    # The dump taken after zeroing is the largest; the one at exit holds only the shutdown.
    dumps = [f"{tmp}/{name}" for name in os.listdir(tmp) if name.startswith("callgrind.out")]
    def summary(path):
        with open(path) as f:
            return next(int(line.split()[1]) for line in f if line.startswith("summary:"))
    dump = max(dumps, key=summary)
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100",
                                dump], capture_output=True, text=True, check=True).stdout
    n = args.clicks
    io = inclusive(annotated, "boost::asio::detail::scheduler::run(")
    writer = inclusive(annotated, "linktrack::clicklog::SqliteWriter::run()")
    # Beside the writer, on the same core in compare.py: both read each event back.
    rescorer = inclusive(annotated, "linktrack::server::RescorerService::run()")
    summary = inclusive(annotated, "linktrack::server::SummaryService::run()")
    per_stage = {}
    for label, functions, inner in STAGES:
        cost = sum(inclusive(annotated, f) for f in functions)
        per_stage[label] = cost - sum(per_stage[i] for i in inner)
    print(f"instructions per click over {n} {'HTTPS' if args.https else 'HTTP'} keep-alive clicks, "
          f"{args.shape}-shaped requests (callgrind):")
    print(f"  I/O thread              {io // n:8d}")
    for label, cost in per_stage.items():
        print(f"    {label:20} {cost // n:8d}")
    rest = io - sum(per_stage.values())
    print(f"    {'the rest':20} {rest // n:8d}  (socket reads and writes, Asio, timers, routing)")
    print(f"  click writer            {writer // n:8d}  (per event; batches stay small at this pace)")
    print(f"  re-scorer               {rescorer // n:8d}  (per event, following the log)")
    print(f"  summary                 {summary // n:8d}  (per event, the hourly counts)")
    print(f"  all threads             {(io + writer + rescorer + summary) // n:8d}")
    if min(per_stage.values()) <= 0:
        print("  note: a stage shows 0: its function was inlined or renamed; see STAGES")

if __name__ == "__main__":
    main()
