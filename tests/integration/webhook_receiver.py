"""A Standard Webhooks receiver on 127.0.0.1, written from the specification
(standard-webhooks/standard-webhooks, spec.md) rather than from linktrack's code: it checks the
webhook-id, webhook-timestamp and webhook-signature headers (HMAC-SHA256 over
"id.timestamp.body", base64, any one of the space-separated v1 entries matching any of its
secrets, compared in constant time), refuses timestamps more than five minutes away, and keeps
every verified delivery. How it answers is set by the test: a status, a Retry-After, a delay."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_S = 5 * 60


def verify(secrets, headers, body):
    """The spec's verification; returns None when valid, else why not."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signature = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signature:
        return "missing webhook headers"
    try:
        ts = int(timestamp)
    except ValueError:
        return "bad timestamp"
    if abs(time.time() - ts) > TOLERANCE_S:
        return "timestamp outside the tolerance"
    signed = f"{msg_id}.{timestamp}.".encode() + body
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for entry in signature.split(" "):
            version, _, value = entry.partition(",")
            if version == "v1" and hmac.compare_digest(value, expected):
                return None
    return "no signature matches"


class Receiver:
    """Runs in a thread; `answer(delivery_number) -> (status, headers, delay_s)` decides each
    answer (default 200 at once). Keeps (webhook-id, body bytes, parsed body, time, status)."""

    def __init__(self, secrets, answer=None):
        self.secrets = list(secrets)
        self.answer = answer or (lambda n: (200, {}, 0))
        self.lock = threading.Lock()
        self.attempts = []      # every request: (time, webhook-id, status answered)
        self.deliveries = []    # verified and answered 2xx: (webhook-id, raw body, parsed)
        self.rejected = []      # failed verification: why
        self.count_only = False  # benchmarks: count events without keeping bodies
        self.events_received = 0
        # count_only: each batch counted once (a batch sent again, as at-least-once delivery
        # does after a restart, keeps its webhook-id).
        self.batches_counted = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                problem = verify(receiver.secrets, self.headers, body)
                with receiver.lock:
                    n = len(receiver.attempts)
                if problem:
                    status, extra, delay = 400, {}, 0
                    with receiver.lock:
                        receiver.rejected.append(problem)
                else:
                    status, extra, delay = receiver.answer(n)
                if delay:
                    time.sleep(delay)
                with receiver.lock:
                    receiver.attempts.append((time.time(), self.headers["webhook-id"], status))
                    if not problem and 200 <= status < 300:
                        if receiver.count_only:
                            if self.headers["webhook-id"] not in receiver.batches_counted:
                                receiver.batches_counted.add(self.headers["webhook-id"])
                                receiver.events_received += body.count(b'"kind":')
                        else:
                            parsed = json.loads(body)
                            receiver.deliveries.append((self.headers["webhook-id"], body, parsed))
                            receiver.events_received += len(parsed["data"])
                try:
                    self.send_response(status)
                    for k, v in extra.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up (a timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/linktrack"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def events(self):
        with self.lock:
            return [e for _, _, parsed in self.deliveries for e in parsed["data"]]

    def wait_for_events(self, n, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if self.events_received >= n:
                    return True
            time.sleep(0.05)
        return False
