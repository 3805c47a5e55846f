"""kill -9 the server mid-traffic: the click log stays intact, and the loss stays inside the
bound: at most what was queued (batch mode), nothing acknowledged (sync mode)."""

import os
import signal
import sqlite3

from harness import SECRET_1, Server, TempDir, free_port, main, run, write


def setup(tmp, durability):
    port = free_port()
    config = write(os.path.join(tmp, "linktrack.yaml"), f"""
listen: {{http: "127.0.0.1:{port}"}}
threads: 2
keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: clicks.db, durability: {durability}, batch_interval_ms: 20, batch_max: 64, queue_capacity: 128}}
domains: [{{host: links.crash.test}}]
""")
    return config, port


def click_until_killed(config, port, n):
    url = run("sign", "-c", config, "--domain", "links.crash.test", "--url",
              "https://example.com/x", "--recipient", "7", check=True).stdout.strip()
    path = url.split("links.crash.test", 1)[1]
    acknowledged = 0
    import http.client
    with Server(config, port) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        for _ in range(n):
            conn.request("GET", path, headers={"Host": "links.crash.test"})
            r = conn.getresponse()
            r.read()
            if r.status == 302:
                acknowledged += 1
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
    return acknowledged


def check_database(db):
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()


def test_kill_9_in_batch_mode_loses_at_most_the_queue():
    with TempDir() as tmp:
        config, port = setup(tmp, "batch")
        acknowledged = click_until_killed(config, port, 500)
        rows = check_database(os.path.join(tmp, "clicks.db"))
        assert acknowledged == 500
        # What can be lost: the events not yet committed, which queue_capacity (128) bounds.
        assert acknowledged - 128 <= rows <= acknowledged, (rows, acknowledged)
        print(f"batch mode: {acknowledged} acknowledged, {rows} on disk after kill -9")


def test_kill_9_in_sync_mode_loses_no_acknowledged_event():
    with TempDir() as tmp:
        config, port = setup(tmp, "sync")
        acknowledged = click_until_killed(config, port, 300)
        rows = check_database(os.path.join(tmp, "clicks.db"))
        assert rows == acknowledged == 300, (rows, acknowledged)


if __name__ == "__main__":
    main([test_kill_9_in_batch_mode_loses_at_most_the_queue,
          test_kill_9_in_sync_mode_loses_no_acknowledged_event])
