#!/usr/bin/env python3
"""Instructions per click, counted by valgrind's callgrind: the I/O thread's (parse, verify,
cookies, response, hand-off) and the click writer's. Unlike requests per second these counts do
not move with the machine's load, so they compare commits exactly. One plain-HTTP keep-alive
connection (TLS with --https) sends the same real tokens compare.py uses; counting starts after
a warm-up.
Called by instructions.sh, which installs valgrind and builds linktrack."""

import argparse
import os
import socket
import ssl
import subprocess
import tempfile
import time

import compare


def inclusive(annotated, name):
    for line in annotated.splitlines():
        if name in line:
            return int(line.split()[0].replace(",", ""))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--clicks", type=int, default=2000)
    ap.add_argument("--https", action="store_true", help="one TLS keep-alive connection instead")
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
            conn.sendall(f"GET {paths[i % len(paths)]} HTTP/1.1\r\nHost: {host}\r\n"
                         "User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)\r\n"
                         "Accept: */*\r\n\r\n".encode())
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
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", dump],
                               capture_output=True, text=True, check=True).stdout
    io = inclusive(annotated, "boost::asio::detail::scheduler::run(")
    handler = inclusive(annotated, "linktrack::http::handle(")
    writer = inclusive(annotated, "linktrack::clicklog::SqliteWriter::run()")
    n = args.clicks
    print(f"instructions per click over {n} {'HTTPS' if args.https else 'HTTP'} keep-alive clicks "
          "(callgrind):")
    print(f"  I/O thread          {io // n:8d}")
    print(f"    of which handler  {handler // n:8d}  (token, destination, cookies, event)")
    print(f"  click writer        {writer // n:8d}  (one event; batches stay small at this pace)")


if __name__ == "__main__":
    main()
