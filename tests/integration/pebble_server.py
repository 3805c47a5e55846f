"""Debian's pebble (a test ACME CA) and pebble-challtestsrv (its DNS, answering 127.0.0.1 for
every name) on loopback ports of their own, for one test: pebble validates HTTP-01 on the
given http port and TLS-ALPN-01 on the given https port, where linktrack listens."""

import json
import os
import ssl
import subprocess
import tempfile
import time
import urllib.request

from harness import free_port, wait_for_port, write


def _make_ca_and_leaf(directory):
    """pebble's own HTTPS certificate for 127.0.0.1 and localhost, under a CA of the test's."""
    ca_key, ca_crt = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.crt")
    key, csr, crt = (os.path.join(directory, n) for n in ("pebble.key", "pebble.csr", "pebble.crt"))
    run = lambda *a: subprocess.run(a, check=True, capture_output=True)
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", "/CN=pebble test CA", "-keyout", ca_key, "-out", ca_crt)
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-subj", "/CN=localhost", "-keyout", key, "-out", csr)
    ext = write(os.path.join(directory, "ext.cnf"),
                "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
        "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", crt)
    return ca_crt, crt, key


class Pebble:
    def __init__(self, http_port, https_port, validity_seconds=7776000):
        self.http_port, self.https_port = http_port, https_port
        self.validity = validity_seconds
        self.port, self.management_port = free_port(), free_port()
        self.dns_port, self.challtest_port = free_port(), free_port()

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="linktrack-pebble-")
        self.ca_file, crt, key = _make_ca_and_leaf(self.dir)
        config = write(os.path.join(self.dir, "pebble.json"), json.dumps({"pebble": {
            "listenAddress": f"127.0.0.1:{self.port}",
            "managementListenAddress": f"127.0.0.1:{self.management_port}",
            "certificate": crt, "privateKey": key,
            "httpPort": self.http_port, "tlsPort": self.https_port,
            "ocspResponderURL": "", "externalAccountBindingRequired": False,
            "certificateValidityPeriod": self.validity}}))
        # O_APPEND: pebble and challtestsrv share the file, and reading it must not move
        # where they write.
        self.log_path = os.path.join(self.dir, "pebble.log")
        self.log = open(self.log_path, "a")
        self.dns = subprocess.Popen(
            ["pebble-challtestsrv", "-dns01", f"127.0.0.1:{self.dns_port}", "-http01", "",
             "-https01", "", "-tlsalpn01", "", "-management", f"127.0.0.1:{self.challtest_port}",
             "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.proc = None
        self.start()
        return self

    def start(self):
        """pebble itself; again after stop() (the same ports, a new CA)."""
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1")
        self.proc = subprocess.Popen(
            ["pebble", "-config", os.path.join(self.dir, "pebble.json"), "-dnsserver",
             f"127.0.0.1:{self.dns_port}", "-strict=false"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        wait_for_port(self.port)
        wait_for_port(self.management_port)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    @property
    def directory(self):
        return f"https://127.0.0.1:{self.port}/dir"

    def root(self, path=None):
        """The root the issued certificates chain to (pebble makes a new one each start)."""
        context = ssl.create_default_context(cafile=self.ca_file)
        pem = urllib.request.urlopen(f"https://127.0.0.1:{self.management_port}/roots/0",
                                     context=context, timeout=10).read().decode()
        if path:
            write(path, pem)
        return pem

    def output(self):
        with open(self.log_path, errors="replace") as log:
            return log.read()

    def __exit__(self, *exc):
        self.stop()
        self.dns.terminate()
        self.dns.wait(timeout=10)
        self.log.close()
        subprocess.run(["rm", "-rf", self.dir])
