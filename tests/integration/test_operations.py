"""What an operator runs beside the server: backups of the live click log."""

import os
import sqlite3
import threading
import time
import urllib.request

from harness import SECRET_1, Server, TempDir, free_port, main, run, write


def test_backup_under_load_is_consistent_and_complete():
    """`linktrack backup` while clicks are written: the copy passes integrity_check, holds every
    event committed before it started, and restores (serve on it, and the clicks go on)."""
    with TempDir() as tmp:
        http, admin = free_port(), free_port()
        config = write(os.path.join(tmp, "linktrack.yaml"), f"""
listen:
  http: "127.0.0.1:{http}"
  admin: "127.0.0.1:{admin}"
threads: 1
keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: clicks.db, batch_interval_ms: 5, batch_max: 64}}
domains:
  - host: links.plain.test
""")
        link = run("sign", "-c", config, "--domain", "links.plain.test", "--url",
                   "https://shop.example.com/", "--campaign", "c", check=True).stdout.strip()
        path = link.split("links.plain.test", 1)[1]
        db_path = os.path.join(tmp, "clicks.db")
        stop = threading.Event()
        clicks = [0]

        def click_forever():
            # Bounded: stops when told or after 20,000 clicks, whichever is first.
            while not stop.is_set() and clicks[0] < 20000:
                req = urllib.request.Request(f"http://127.0.0.1:{http}{path}",
                                             headers={"Host": "links.plain.test"})
                opener = urllib.request.build_opener(NoRedirect())
                try:
                    opener.open(req, timeout=5)
                except urllib.error.HTTPError as e:
                    assert e.code == 302, e.code
                clicks[0] += 1

        def committed():
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
                return db.execute("SELECT count(*), coalesce(max(id), 0) FROM events").fetchone()

        with Server(config, http):
            threads = [threading.Thread(target=click_forever) for _ in range(2)]
            for t in threads:
                t.start()
            try:
                deadline = time.time() + 20
                while committed()[0] < 500:
                    assert time.time() < deadline, "clicks did not reach the log"
                    time.sleep(0.05)
                before_count, before_max = committed()
                backup = os.path.join(tmp, "backups", "clicks-backup.db")
                os.makedirs(os.path.dirname(backup))
                p = run("backup", "-c", config, backup)
                assert p.returncode == 0, p.stderr
                assert "event(s)" in p.stdout, p.stdout
                # Clicks went on during and after the backup.
                after = committed()[0]
                time.sleep(0.3)
                assert committed()[0] > before_count
            finally:
                stop.set()
                for t in threads:
                    t.join()
        assert not os.path.exists(backup + ".partial")
        with sqlite3.connect(backup) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            ids = {r[0] for r in db.execute("SELECT id FROM events")}
        # Every event committed before the backup started, with no gap: ids up to before_max.
        assert set(range(1, before_max + 1)) <= ids, (before_max, len(ids))
        assert len(ids) >= before_count
        reported = int(p.stdout.split(": ", 1)[1].split(" ", 1)[0])
        assert reported == len(ids), (p.stdout, len(ids))
        assert len(ids) <= after  # a snapshot as of its start, not a file copied as it grew

        # Restore as the README says: stop, put the copy in place of the log, start.
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db_path + suffix):
                os.remove(db_path + suffix)
        os.replace(backup, db_path)
        with Server(config, http):
            opener = urllib.request.build_opener(NoRedirect())
            try:
                opener.open(urllib.request.Request(f"http://127.0.0.1:{http}{path}",
                                                   headers={"Host": "links.plain.test"}))
            except urllib.error.HTTPError as e:
                assert e.code == 302
            deadline = time.time() + 10
            while committed()[0] < len(ids) + 1:
                assert time.time() < deadline
                time.sleep(0.05)
            assert committed()[1] > max(ids)  # ids go on from the restored log's


def test_backup_refuses_what_it_cannot_do():
    with TempDir() as tmp:
        config = write(os.path.join(tmp, "linktrack.yaml"), f"""
keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: clicks.db}}
domains:
  - host: links.plain.test
""")
        p = run("backup", "-c", config, os.path.join(tmp, "copy.db"))
        assert p.returncode == 1 and "no click log at" in p.stderr, p.stderr
        p = run("backup", "-c", config)
        assert p.returncode != 0 and "file" in p.stderr, p.stderr


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


if __name__ == "__main__":
    main([test_backup_under_load_is_consistent_and_complete,
          test_backup_refuses_what_it_cannot_do])
