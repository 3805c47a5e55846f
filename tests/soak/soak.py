#!/usr/bin/env python3
"""Long fault and abuse runs against the real server on loopback, each bounded in count and
time, each printing its figures. Not part of the test command: tests/soak/run.sh runs them all
(it installs slowhttptest and testssl.sh first).

    python3 tests/soak/soak.py build/linktrack [scenario ...]

Scenarios: kill9, slowloris, slowread, reloads, full_disk, delete_db, descriptors,
descriptors_exhausted, testssl.
"""

import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import SECRET_1, Server, TempDir, free_port, make_cert, run, write  # noqa: E402

HOST, TLS_HOST = "links.soak.test", "links.tls.soak.test"


class Setup:
    def __init__(self, tmp, store="", limits="", db_dir=None):
        self.tmp = tmp
        self.http, self.https, self.admin = free_port(), free_port(), free_port()
        self.db = os.path.join(db_dir or tmp, "clicks.db")
        crt, key = make_cert(tmp, TLS_HOST)
        self.text = f"""
listen: {{http: "127.0.0.1:{self.http}", https: "127.0.0.1:{self.https}", admin: "127.0.0.1:{self.admin}"}}
threads: 2
keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: {self.db}, batch_interval_ms: 20{store}}}
limits: {{idle_timeout_ms: 5000{limits}}}
domains:
  - host: {HOST}
  - host: {TLS_HOST}
    tls: {{cert: {crt}, key: {key}}}
"""
        self.config = write(os.path.join(tmp, "linktrack.yaml"), self.text)
        url = run("sign", "-c", self.config, "--domain", HOST, "--url",
                  "https://shop.example.com/soak", "--recipient", "7", check=True).stdout.strip()
        self.path = "/" + url.split("://", 1)[1].split("/", 1)[1]

    def server(self, env=None):
        return Server(self.config, self.http, env=env)

    def rows(self):
        if not os.path.exists(self.db):
            return 0
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return con.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            con.close()

    def metric(self, name):
        try:
            with socket.create_connection(("127.0.0.1", self.admin), timeout=5) as s:
                s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
        except OSError:
            return None
        m = re.search(rf"^{re.escape(name)} (\S+)$", data.decode(), re.M)
        return float(m.group(1)) if m else None


class Load:
    """Keep-alive clicks from `threads` connections until stopped; counts what was answered."""

    def __init__(self, setup, threads=4, source="127.0.0.1"):
        self.setup, self.source = setup, source
        self.answered = self.errors = 0
        self.by_status = {}
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.threads = [threading.Thread(target=self.loop, daemon=True) for _ in range(threads)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join(timeout=10)

    def loop(self):
        conn = None
        while not self.stop_flag.is_set():
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.setup.http, timeout=5,
                                                      source_address=(self.source, 0))
                conn.request("GET", self.setup.path, headers={"Host": HOST})
                r = conn.getresponse()
                r.read()
                with self.lock:
                    self.answered += r.status == 302
                    self.by_status[r.status] = self.by_status.get(r.status, 0) + 1
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.errors += 1
                if conn:
                    conn.close()
                conn = None
                time.sleep(0.01)


def probe(port, host=HOST, source="127.0.0.2", timeout=5):
    """One request from another client address: its latency in seconds, or None if it failed."""
    started = time.time()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                      source_address=(source, 0)) as s:
            s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                      .encode())
            data = s.recv(4096)
        return time.time() - started if data.startswith(b"HTTP/1.1 200") else None
    except OSError:
        return None


def report(name, **figures):
    print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()), flush=True)


def kill9(binary, cycles=5, seconds=2.0):
    for durability, capacity in (("batch", 4096), ("sync", 4096)):
        with TempDir() as tmp:
            s = Setup(tmp, store=f", durability: {durability}, queue_capacity: {capacity}")
            worst = 0
            total = 0
            for cycle in range(cycles):
                before = s.rows()
                with s.server() as srv, Load(s) as load:
                    time.sleep(seconds)
                    srv.proc.send_signal(signal.SIGKILL)
                    srv.proc.wait()
                    load.stop()
                con = sqlite3.connect(s.db)
                integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
                con.close()
                lost = load.answered - (s.rows() - before)
                total += load.answered
                worst = max(worst, lost)
                assert integrity == "ok", integrity
                assert lost <= (capacity if durability == "batch" else 0), (durability, lost)
            report(f"kill9 {durability}", cycles=cycles, clicks_answered=total,
                   worst_loss=worst, bound=capacity if durability == "batch" else 0,
                   integrity="ok")


def slow_attack(binary, mode):
    if not shutil.which("slowhttptest"):
        report(mode, skipped="slowhttptest not installed")
        return
    with TempDir() as tmp:
        s = Setup(tmp, limits=", connections_per_client: 4000, header_timeout_ms: 10000")
        with s.server() as srv:
            args = ["slowhttptest", "-c", "1500", "-r", "300", "-l", "30", "-o",
                    os.path.join(tmp, "slow"), "-u", f"http://127.0.0.1:{s.http}/healthz"]
            args += (["-H", "-i", "5", "-s", "8192", "-t", "GET", "-x", "24", "-p", "3"]
                     if mode == "slowloris" else
                     ["-X", "-w", "10", "-y", "20", "-n", "5", "-z", "32", "-k", "3", "-p", "3"])
            attack = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True)
            latencies, failures = [], 0
            deadline = time.time() + 32
            while time.time() < deadline and attack.poll() is None:
                t = probe(s.http)
                if t is None:
                    failures += 1
                else:
                    latencies.append(t)
                time.sleep(0.5)
            out, _ = attack.communicate(timeout=60)
            out = re.sub(r"\x1b\[[0-9;]*m", "", out)
            connected = [int(n) for n in re.findall(r"connected:\s+(\d+)", out)]
            closed = re.findall(r"closed:\s+(\d+)", out)
            ended = re.findall(r"Test ended on (\d+)", out)
            status = re.findall(r"Exit status:\s*(.+)", out)
            latencies.sort()
            report(mode, probes=len(latencies) + failures, probe_failures=failures,
                   probe_p50_ms=round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
                   probe_max_ms=round(1000 * latencies[-1], 1) if latencies else None,
                   attacker_connected_max=max(connected, default=0),
                   attacker_closed=closed[-1] if closed else None,
                   attack_ended_s=ended[-1] if ended else None,
                   attacker_verdict=repr(status[-1].strip()) if status else None,
                   server_alive=srv.proc.poll() is None)
            assert srv.proc.poll() is None and failures == 0


def reloads(binary, count=100):
    with TempDir() as tmp:
        s = Setup(tmp)
        good = s.text
        broken = s.text.replace("domains:", "domains: [oops")
        with s.server() as srv, Load(s) as load:
            for i in range(count):
                write(s.config, broken if i % 2 else good)
                srv.send(signal.SIGHUP)
                time.sleep(0.1)
            time.sleep(0.3)
            load.stop()
            ok, failed = s.metric("linktrack_reloads_total"), s.metric("linktrack_reload_failures_total")
            alive = srv.proc.poll() is None
        report("reloads", sighups=count, applied=ok, refused=failed, clicks=load.answered,
               non_302=sum(v for k, v in load.by_status.items() if k != 302),
               connection_errors=load.errors, server_alive=alive)
        assert alive and ok + failed == count and failed == count // 2
        assert set(load.by_status) == {302}


def full_disk(binary, size_mb=16, free_mb=2):
    with TempDir() as tmp:
        disk = os.path.join(tmp, "disk")
        os.makedirs(disk)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", disk],
                          capture_output=True).returncode != 0:
            report("full_disk", skipped="cannot mount a tmpfs (needs root)")
            return
        try:
            filler = os.path.join(disk, "filler")
            with open(filler, "wb") as f:
                f.write(b"\0" * ((size_mb - free_mb) << 20))
            s = Setup(tmp, store=", queue_capacity: 20000", db_dir=disk)
            with s.server() as srv, Load(s) as load:
                deadline = time.time() + 60
                while (s.metric("linktrack_click_write_errors_total") or 0) == 0:
                    assert time.time() < deadline, "the disk never filled"
                    time.sleep(0.2)
                full_at, lines_at = load.answered, srv.output().count("\n")
                time.sleep(10)
                answered_while_full = load.answered - full_at
                log_lines = srv.output().count("\n") - lines_at
                written_full = s.metric("linktrack_click_events_written_total")
                os.remove(filler)  # room again: the writer's next retry gets through
                deadline = time.time() + 30
                while s.metric("linktrack_click_events_written_total") <= written_full:
                    assert time.time() < deadline, "writing never resumed"
                    time.sleep(0.2)
                resumed_after = round(time.time() - (deadline - 30), 1)
                load.stop()
                alive = srv.proc.poll() is None
                errors = s.metric("linktrack_click_write_errors_total")
                srv.stop()
                final = re.search(r"stopped: (\d+) event\(s\) written, (\d+) dropped",
                                  srv.output())
            written, dropped = s.rows(), int(final.group(2))
            report("full_disk", tmpfs_mb=size_mb, clicks_answered=load.answered,
                   answered_while_full_10s=answered_while_full, log_lines_while_full_10s=log_lines,
                   write_errors=errors, dropped_and_counted=dropped, rows=written,
                   unaccounted=load.answered - written - dropped,
                   writing_resumed_after_s=resumed_after, server_alive=alive)
            assert alive and answered_while_full > 0 and log_lines < 20
            assert load.answered - written - dropped == 0
        finally:
            subprocess.run(["umount", disk])


def delete_db(binary):
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server() as srv, Load(s) as load:
            time.sleep(1.5)
            for what in ("deleted", "replaced"):
                removed_at = time.time()
                if what == "deleted":
                    for suffix in ("", "-wal", "-shm"):
                        if os.path.exists(s.db + suffix):
                            os.remove(s.db + suffix)
                else:
                    other = os.path.join(tmp, "other.db")
                    sqlite3.connect(other).close()
                    os.replace(other, s.db)
                expected = 1 if what == "deleted" else 2
                while (s.metric("linktrack_click_log_reopens_total") or 0) < expected:
                    assert time.time() - removed_at < 10, srv.output()
                    time.sleep(0.02)
                report(f"db {what}", noticed_within_ms=round(1000 * (time.time() - removed_at)),
                       logged=s.db in srv.output())
                time.sleep(1.0)
            after = load.answered
            load.stop()
            srv.stop()
        report("delete_db", clicks_answered=after, rows_in_final_file=s.rows())


def held_out(port, pid, log_text, connections, seconds=5):
    """Holds `connections` open against `port`, measures the server (`pid`) for `seconds` while
    they are held, closes them and waits until it serves again. `log_text()` reads its log."""
    held = []
    for _ in range(connections):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            break
    time.sleep(0.5)
    lines_before, cpu_before = log_text().count("\n"), cpu_seconds(pid)
    time.sleep(seconds)
    cpu = cpu_seconds(pid) - cpu_before
    lines = log_text().count("\n") - lines_before
    probe_while_held = probe(port, timeout=2)
    for c in held:
        c.close()
    started = time.time()
    while probe(port, timeout=2) is None:
        assert time.time() - started < 10, "not serving again after the connections closed"
        time.sleep(0.02)
    return {"connections_opened": len(held), "cpu_percent": round(100 * cpu / seconds, 1),
            "log_lines_per_s": lines / seconds,
            "probe_while_held": "served" if probe_while_held is not None else "refused",
            "served_again_after_ms": round(1000 * (time.time() - started))}


def descriptors(binary, limit=1024, connections=3000):
    """A descriptor limit set at start: max_connections is capped below it."""
    with TempDir() as tmp:
        s = Setup(tmp, limits=", connections_per_client: 100000")
        log = open(os.path.join(tmp, "out.log"), "w+")
        proc = subprocess.Popen(["prlimit", f"--nofile={limit}:{limit}", binary, "serve", "-c",
                                 s.config], stdout=log, stderr=subprocess.STDOUT)
        try:
            from harness import wait_for_port
            wait_for_port(s.http)
            figures = held_out(s.http, proc.pid, lambda: open(log.name).read(), connections)
            report("descriptors", nofile=limit, **figures,
                   refused=s.metric("linktrack_connections_refused_total"))
            assert figures["cpu_percent"] < 20 and figures["log_lines_per_s"] < 2
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def descriptors_exhausted(binary, limit=128, connections=1000):
    """The limit lowered under a running server, so accept() itself fails with EMFILE."""
    with TempDir() as tmp:
        s = Setup(tmp, limits=", connections_per_client: 100000")
        with s.server() as srv:
            subprocess.run(["prlimit", f"--pid={srv.proc.pid}", f"--nofile={limit}:{limit}"],
                           check=True)
            figures = held_out(s.http, srv.proc.pid, srv.output, connections)
            report("descriptors_exhausted", nofile=limit, **figures,
                   accept_errors=s.metric("linktrack_accept_errors_total"),
                   server_alive=srv.proc.poll() is None)
            assert figures["cpu_percent"] < 20 and figures["log_lines_per_s"] < 2


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def testssl(binary):
    tool = shutil.which("testssl") or shutil.which("testssl.sh")
    if not tool:
        report("testssl", skipped="testssl.sh not installed")
        return
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server():
            p = subprocess.run([tool, "--quiet", "--color", "0", "--warnings", "off", "--ip",
                                "127.0.0.1", "-p", "-s", "-f", "-U", "--jsonfile",
                                os.path.join(tmp, "t.json"), f"https://{TLS_HOST}:{s.https}"],
                               capture_output=True, text=True, timeout=900)
            import json
            findings = json.load(open(os.path.join(tmp, "t.json")))
            bad = [f for f in findings if f.get("severity") in ("MEDIUM", "HIGH", "CRITICAL")]
            offered = [f["id"] for f in findings
                       if f["id"] in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3")
                       and f["finding"].startswith("offered")]
            report("testssl", protocols=" ".join(offered), medium_or_worse=len(bad),
                   exit=p.returncode)
            for f in bad:
                print(f"  {f['severity']} {f['id']}: {f['finding']}")


SCENARIOS = {"kill9": kill9, "slowloris": lambda b: slow_attack(b, "slowloris"),
             "slowread": lambda b: slow_attack(b, "slowread"), "reloads": reloads,
             "full_disk": full_disk, "delete_db": delete_db, "descriptors": descriptors,
             "descriptors_exhausted": descriptors_exhausted,
             "testssl": testssl}

if __name__ == "__main__":
    binary = os.path.abspath(sys.argv[1])
    chosen = sys.argv[2:] or list(SCENARIOS)
    failed = 0
    for name in chosen:
        started = time.time()
        try:
            SCENARIOS[name](binary)
        except Exception as e:  # noqa: BLE001 - each scenario reports on its own
            import traceback
            traceback.print_exc()
            failed += 1
            print(f"FAIL {name}: {e!r}")
        print(f"     ({name}: {time.time() - started:.0f}s)", flush=True)
    sys.exit(1 if failed else 0)
