"""Webhook delivery through the real binary to a receiver written from the Standard Webhooks
specification (webhook_receiver.py): every click arrives signed, once per event id; retries
after failures, 429 with Retry-After, timeouts; 410 disables until a reload; kill -9 in the
middle of a delivery; a dead endpoint beside a live one; private addresses refused; dead
letters and replays; verdict changes; the status command and the metrics."""

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.request

from harness import Server, TempDir, free_port, main, run, write
from test_server import A, ORG, Setup
from test_verdicts import BROWSER, CHROME, Replay
from webhook_receiver import Receiver

SECRET_A = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SECRET_B = run("keys", "generate", "--webhook", check=True).stdout.strip()


def hook(id, url, *, secrets=(SECRET_A,), extra=""):
    listed = ", ".join(f'"{s}"' for s in secrets)
    return f"""  - id: {id}
    url: "{url}"
    secrets: [{listed}]
    batch_max: 50
    batch_interval_ms: 200
    allow_private: true
{extra}"""


def setup_with(tmp, hooks):
    return Setup(tmp, extra="webhooks:\n" + "".join(hooks))


def mint(setup, n, campaign="hooks"):
    lines = [json.dumps({"url": f"https://shop.example/p/{i}", "campaign": campaign,
                         "message": f"m{i}", "recipient": f"r{i}", "link": "hero",
                         "sent_at": int(time.time()) - 600}) for i in range(n)]
    return run("sign", "-c", setup.config, "--domain", ORG, "--batch",
               input="\n".join(lines) + "\n", check=True).stdout.split()


def click_all(setup, urls):
    """One browser-shaped click per URL over plain HTTP; each answered 302."""
    conn = http.client.HTTPConnection("127.0.0.1", setup.http, timeout=10)
    for url in urls:
        path = url.split(ORG, 1)[1]
        conn.request("GET", path, headers=dict(BROWSER, Host=ORG, **{"User-Agent": CHROME}))
        r = conn.getresponse()
        r.read()
        assert r.status == 302, r.status
    conn.close()


def exported(setup):
    out = run("export", "-c", setup.config, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def metrics(setup):
    with urllib.request.urlopen(f"http://127.0.0.1:{setup.admin}/metrics", timeout=5) as r:
        return r.read().decode()


def metric(text, name, **labels):
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{want}}} ") or (not labels and line.startswith(name + " ")):
            return float(line.rsplit(" ", 1)[1])
    return None


def status(setup):
    return {e["endpoint"]: e for e in json.loads(
        run("webhooks", "status", "-c", setup.config, "--format", "json", check=True).stdout)}


def wait_until(what, timeout, step=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if what():
            return True
        time.sleep(step)
    return False


def test_every_click_arrives_signed_once_with_the_export_fields():
    with TempDir() as tmp, Receiver([SECRET_B]) as rx:
        # Two secrets (a rotation): each request carries both signatures; the receiver knows
        # only the new one.
        setup = setup_with(tmp, [hook("crm", rx.url, secrets=(SECRET_A, SECRET_B))])
        urls = mint(setup, 120)
        with setup.server() as server:
            # The endpoint's cursor exists before the listeners open: made by its worker thread,
            # which a busy machine can start late, it had skipped the first clicks.
            con = sqlite3.connect(setup.db)
            try:
                assert con.execute("SELECT after_id FROM webhook_endpoints WHERE endpoint = "
                                   "'crm'").fetchall() == [(0,)]
            finally:
                con.close()
            click_all(setup, urls)
            assert rx.wait_for_events(120, 20), (len(rx.events()), server.output()[-2000:])
            time.sleep(0.5)  # nothing more should come
            events = rx.events()
            assert rx.rejected == [], rx.rejected
            ids = [e["id"] for e in events]
            assert len(ids) == 120 and len(set(ids)) == 120, len(ids)
            # Exactly the export's events, field for field.
            assert sorted(events, key=lambda e: e["id"]) == sorted(
                exported(setup), key=lambda e: e["id"])
            node = ids[0].split(":")[0]
            assert all(i.startswith(node + ":") for i in ids)
            # Batches of at most batch_max, in order, each with a stable message id.
            for msg_id, body, parsed in rx.deliveries:
                assert msg_id.startswith(f"msg_{node}_"), msg_id
                assert parsed["type"] == "linktrack.events"
                assert parsed["timestamp"].endswith("Z")
                assert 1 <= len(parsed["data"]) <= 50
            locals_ = [int(i.split(":")[1]) for i in ids]
            assert locals_ == sorted(locals_), "delivered out of order"
            assert len({m for m, _, _ in rx.deliveries}) == len(rx.deliveries)
            # Acknowledged once each answer is back, a moment after the receiver has the events.
            assert wait_until(lambda: metric(metrics(setup), "linktrack_webhook_events_delivered_total",
                                             endpoint="crm") == 120, 10)
            m = metrics(setup)
            assert metric(m, "linktrack_webhook_lag_seconds", endpoint="crm") == 0
            s = status(setup)["crm"]
            assert s["state"] == "ok" and s["delivered_events"] == 120, s
            assert s["pending_batches"] == 0 and s["dead_letters"] == [], s
            table = run("webhooks", "status", "-c", setup.config, check=True).stdout
            assert "crm" in table and "ok" in table, table
        # The secrets never reach the log.
        out = server.output()
        assert SECRET_A not in out and SECRET_B not in out


def test_a_failing_receiver_gets_the_same_batch_again():
    # Fails the first two attempts with 500: the batch comes again after 5 s, the same bytes.
    with TempDir() as tmp, Receiver([SECRET_A], lambda n: (500, {}, 0) if n < 1 else (200, {}, 0)) as rx:
        setup = setup_with(tmp, [hook("crm", rx.url)])
        urls = mint(setup, 10)
        with setup.server() as server:
            click_all(setup, urls)
            assert rx.wait_for_events(10, 15), server.output()[-2000:]
            first, second = rx.attempts[0], rx.attempts[1]
            assert first[2] == 500 and second[2] == 200
            assert first[1] == second[1], "a re-sent batch keeps its webhook-id"
            assert 4.5 <= second[0] - first[0] <= 8, second[0] - first[0]
            assert metric(metrics(setup), "linktrack_webhook_failures_total", endpoint="crm",
                          **{"class": "http_5xx"}) == 1
            assert "failed: HTTP 500" in server.output()


def test_429_with_retry_after_is_honoured():
    with TempDir() as tmp, Receiver(
            [SECRET_A], lambda n: (429, {"Retry-After": "1"}, 0) if n < 2 else (200, {}, 0)) as rx:
        setup = setup_with(tmp, [hook("crm", rx.url)])
        urls = mint(setup, 5)
        with setup.server():
            click_all(setup, urls)
            assert rx.wait_for_events(5, 10)
            t = [a[0] for a in rx.attempts]
            assert [a[2] for a in rx.attempts] == [429, 429, 200]
            # One second apart, not the schedule's five.
            assert all(0.9 <= b - a < 3 for a, b in zip(t, t[1:])), t
            assert metric(metrics(setup), "linktrack_webhook_failures_total", endpoint="crm",
                          **{"class": "rate_limited"}) == 2


def test_a_timeout_is_retried():
    with TempDir() as tmp, Receiver(
            [SECRET_A], lambda n: (200, {}, 2.0) if n == 0 else (200, {}, 0)) as rx:
        setup = setup_with(tmp, [hook("crm", rx.url, extra="    timeout_ms: 500\n")])
        urls = mint(setup, 3)
        with setup.server():
            click_all(setup, urls)
            # The first answer comes too late (the receiver has the events, the sender does not
            # know): the schedule's retry, 5 s on, sends the same batch again.
            assert wait_until(lambda: len(rx.attempts) >= 2, 15), rx.attempts
            assert metric(metrics(setup), "linktrack_webhook_failures_total", endpoint="crm",
                          **{"class": "timeout"}) == 1
            first, second = rx.attempts[0], rx.attempts[1]
            assert first[1] == second[1]
            assert second[0] - first[0] >= 5 - 2 - 0.5, (first, second)
            # Acknowledged once the answer is back: just after the receiver saw the request.
            assert wait_until(lambda: status(setup)["crm"]["delivered_events"] == 3, 10)


def test_410_disables_the_endpoint_until_a_reload():
    state = {"gone": True}
    with TempDir() as tmp, Receiver(
            [SECRET_A], lambda n: (410, {}, 0) if state["gone"] else (200, {}, 0)) as rx:
        setup = setup_with(tmp, [hook("crm", rx.url)])
        urls = mint(setup, 6)
        with setup.server() as server:
            click_all(setup, urls[:3])
            assert wait_until(lambda: rx.attempts, 5)
            assert wait_until(lambda: "410 Gone: disabled" in server.output(), 5)
            assert wait_until(
                lambda: metric(metrics(setup), "linktrack_webhook_disabled", endpoint="crm") == 1, 5)
            state["gone"] = False
            click_all(setup, urls[3:])
            time.sleep(2)
            assert len(rx.attempts) == 1, "nothing is sent while disabled"
            assert status(setup)["crm"]["state"] == "disabled (410)"
            server.send(signal.SIGHUP)
            assert rx.wait_for_events(6, 10), server.output()[-2000:]
            assert metric(metrics(setup), "linktrack_webhook_disabled", endpoint="crm") == 0


def test_kill_9_mid_delivery_loses_nothing_and_repeats_only_the_batch_in_flight():
    # A slow receiver (0.4 s an answer) and batches of 10: the server is killed while a batch
    # is under way, then started again.
    with TempDir() as tmp, Receiver([SECRET_A], lambda n: (200, {}, 0.4)) as rx:
        setup = setup_with(tmp, [hook("crm", rx.url).replace("batch_max: 50", "batch_max: 10")])
        urls = mint(setup, 100)
        server = setup.server().__enter__()
        try:
            click_all(setup, urls)
            assert rx.wait_for_events(30, 20), (len(rx.events()), server.output()[-3000:])
            time.sleep(0.2)  # mid-request
            server.proc.kill()
            server.proc.wait()
        finally:
            server.stop()
        got_before = len(rx.attempts)
        with setup.server():
            assert rx.wait_for_events(100, 30), len(rx.events())
            time.sleep(1)
        ids = [e["id"] for e in rx.events()]
        assert set(ids) == {e["id"] for e in exported(setup)} and len(set(ids)) == 100
        duplicates = len(ids) - len(set(ids))
        assert duplicates <= 10, f"{duplicates} repeated events: more than the batch in flight"
        # A repeated batch is the same batch: its id and its events.
        by_id = {}
        for msg_id, body, _ in rx.deliveries:
            assert by_id.setdefault(msg_id, body) == body
        assert got_before >= 3


def test_a_dead_endpoint_never_holds_up_a_live_one():
    dead_port = free_port()  # nothing listens there
    with TempDir() as tmp, Receiver([SECRET_A]) as rx:
        setup = setup_with(tmp, [hook("dead", f"http://127.0.0.1:{dead_port}/x"),
                                 hook("live", rx.url)])
        urls = mint(setup, 40)
        with setup.server():
            start = time.time()
            click_all(setup, urls)
            assert rx.wait_for_events(40, 10)
            assert time.time() - start < 5
            assert wait_until(lambda: status(setup)["dead"]["state"] == "retrying", 10)
            s = status(setup)
            assert s["live"]["state"] == "ok" and s["live"]["lag_seconds"] == 0, s["live"]
            assert "Couldn't connect" in (s["dead"]["last_error"] or ""), s["dead"]
            m = metrics(setup)
            assert metric(m, "linktrack_webhook_failures_total", endpoint="dead",
                          **{"class": "connect"}) >= 1
            assert metric(m, "linktrack_webhook_lag_seconds", endpoint="dead") > 0
            assert metric(m, "linktrack_webhook_lag_seconds", endpoint="live") == 0


def test_private_addresses_are_refused_unless_allowed():
    with TempDir() as tmp, Receiver([SECRET_A]) as rx:
        closed = hook("inside", rx.url).replace("    allow_private: true\n", "")
        setup = setup_with(tmp, [closed])
        urls = mint(setup, 2)
        with setup.server():
            click_all(setup, urls)
            assert wait_until(lambda: metric(metrics(setup), "linktrack_webhook_failures_total",
                                             endpoint="inside",
                                             **{"class": "refused_address"}) == 1, 5)
            time.sleep(0.5)
            assert rx.attempts == [], "a request reached a loopback receiver"
            assert "loopback" in status(setup)["inside"]["last_error"]


def test_dead_letters_and_replay():
    # max_age 1 minute: the second failure's next attempt (5 min) would be past it.
    state = {"up": False}
    with TempDir() as tmp, Receiver(
            [SECRET_A], lambda n: (200, {}, 0) if state["up"] else (503, {}, 0)) as rx:
        setup = setup_with(tmp, [hook("crm", rx.url, extra="    max_age: 1m\n")])
        urls = mint(setup, 4)
        with setup.server() as server:
            click_all(setup, urls)
            assert wait_until(lambda: status(setup)["crm"]["dead_letters"], 15), status(setup)
            s = status(setup)["crm"]
            assert s["dead_letters"][0]["events"] == 4 and s["dead_letters"][0]["attempts"] == 2
            assert "dead letter" in server.output()
            assert metric(metrics(setup), "linktrack_webhook_dead_letters", endpoint="crm") == 1
            state["up"] = True
            out = run("webhooks", "replay", "-c", setup.config, "--endpoint", "crm",
                      check=True).stdout
            assert "1 dead letter(s)" in out, out
            assert rx.wait_for_events(4, 10)
            assert wait_until(lambda: status(setup)["crm"]["dead_letters"] == [], 5)
            # --since sends the history again, in new batches; receivers dedupe by event id.
            run("webhooks", "replay", "-c", setup.config, "--endpoint", "crm", "--since", "1h",
                check=True)
            assert rx.wait_for_events(8, 10)
            ids = [e["id"] for e in rx.events()]
            assert len(set(ids)) == 4 and len(ids) == 8
        bad = run("webhooks", "replay", "-c", setup.config, "--endpoint", "nope")
        assert bad.returncode == 1 and "no webhook 'nope'" in bad.stderr


def test_a_changed_verdict_is_an_event_of_its_own():
    with TempDir() as tmp, Receiver([SECRET_A]) as rx:
        setup = setup_with(tmp, [hook("crm", rx.url, extra=f"    domains: [{A}]\n")])
        with setup.server():
            r = Replay(setup)
            urls = r.mint("v1", ["hero"], 120, honeypot=True)
            r.click("human", "v1", "hero", urls["hero"], "198.51.100.40", CHROME, BROWSER)
            assert rx.wait_for_events(1, 10)
            # A scanner follows every link of the email, the hidden one too: the re-scorer
            # turns the first click into a bot's and says so.
            r.get(urls["honeypot"], "198.51.100.40", CHROME, BROWSER)
            assert wait_until(lambda: any(e["kind"] == "verdict" for e in rx.events()), 10)
            events = rx.events()
            click = events[0]
            change = next(e for e in events if e["kind"] == "verdict")
            assert click["verdict"] == "human"
            assert change["event_id"] == click["id"] and change["id"] != click["id"]
            assert change["verdict"] == "bot" and change["previous_verdict"] == "human", change
            assert change["host"] == A and change["campaign"] == "replay"
            assert any(reason.startswith("honeypot") for reason in change["reasons"]), change


def test_config_errors_name_the_key():
    with TempDir() as tmp:
        setup = setup_with(tmp, [
            "  - {id: a, url: \"ftp://x.test/\", secret: \"whsec_short\"}\n",
            "  - {id: a, url: \"https://x.test/\", secret: \"" + SECRET_A +
            "\", events: [click, bounce], domains: [nowhere.test]}\n",
            "  - {id: b, url: \"http://crm.example.com/x\", secret: \"" + SECRET_A + "\"}\n",
        ])
        p = run("check-config", "-c", setup.config)
        assert p.returncode != 0
        err = p.stderr
        assert "webhooks[0].url" in err, err
        assert "webhooks[0].secret" in err and "whsec_" in err, err
        assert "duplicate webhook id 'a'" in err, err
        assert "webhooks[1].events[1]" in err and "bounce" in err, err
        assert "webhooks[1].domains[0]" in err, err
        assert "webhooks[2].url: warning: events (recipients, client addresses) would cross" in err


if __name__ == "__main__":
    main([
        test_every_click_arrives_signed_once_with_the_export_fields,
        test_a_failing_receiver_gets_the_same_batch_again,
        test_429_with_retry_after_is_honoured,
        test_a_timeout_is_retried,
        test_410_disables_the_endpoint_until_a_reload,
        test_kill_9_mid_delivery_loses_nothing_and_repeats_only_the_batch_in_flight,
        test_a_dead_endpoint_never_holds_up_a_live_one,
        test_private_addresses_are_refused_unless_allowed,
        test_dead_letters_and_replay,
        test_a_changed_verdict_is_an_event_of_its_own,
        test_config_errors_name_the_key,
    ])
