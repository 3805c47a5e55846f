"""Shared pieces of the integration tests: run the real linktrack binary, make certificates,
start a server on loopback and stop it. Every test file is run by ctest as
`python3 test_x.py /path/to/linktrack` and prints 'N passed, N failed'."""

import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

BINARY = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "linktrack"
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SECRET_1 = base64.b64encode(bytes(range(32))).decode()
SECRET_2 = base64.b64encode(bytes(range(32, 64))).decode()


def run(*args, env=None, input=None, check=False, timeout=60):
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run([BINARY, *args], input=input, capture_output=True, text=True,
                       env=full_env, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"linktrack {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p


def make_cert(directory, host, *extra_names, days=30):
    crt = os.path.join(directory, host.replace("*", "wildcard") + ".crt")
    key = os.path.join(directory, host.replace("*", "wildcard") + ".key")
    san = ",".join("DNS:" + n for n in (host, *extra_names))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", str(days),
                    "-subj", "/CN=" + host, "-addext", "subjectAltName=" + san,
                    "-keyout", key, "-out", crt], check=True, capture_output=True)
    return crt, key


_HANDED_OUT = set()


def free_port():
    """A port nothing listens on, never the same twice in one run: the kernel can hand a port
    that was just released out again, and a config with two listeners on one port is refused."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="linktrack-it-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def wait_for_port(port, timeout=10.0, host="127.0.0.1"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {host}:{port} after {timeout}s")


class Server:
    """linktrack serve on a config file; waits for `port` (and every port in `also`) to open,
    stops on exit. The listeners open one after another: a test that talks to more than one
    port names them all, or its first connection can come before a later port is open."""

    def __init__(self, config_path, port, env=None, also=()):
        self.config_path = config_path
        self.ports = (port, *also)
        self.env = env

    def __enter__(self):
        full_env = dict(os.environ)
        full_env.update(self.env or {})
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([BINARY, "serve", "-c", self.config_path],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=full_env)
        try:
            for port in self.ports:
                wait_for_port(port)
        except AssertionError:
            self.stop()
            raise AssertionError("server did not start:\n" + self.output())
        return self

    def send(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def __exit__(self, *exc):
        self.stop()
        # A sanitized server reports a memory error or undefined behaviour on its output: that
        # fails the test even when every answer it gave looked right.
        out = self.output()
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in out and exc[0] is None:
                raise AssertionError(f"the server reported '{marker}':\n" + out[-4000:])


def main(tests):
    """Runs each test function; prints failures and the closing 'N passed, N failed' line."""
    passed = failed = 0
    only = os.environ.get("LINKTRACK_TEST_ONLY")
    for test in tests:
        if only and only not in test.__name__:
            continue
        started = time.time()
        try:
            test()
            passed += 1
            print(f"ok   {test.__name__} ({time.time() - started:.2f}s)", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {test.__name__}", flush=True)
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
