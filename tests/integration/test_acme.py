"""Certificates from ACME against Debian's pebble (a real RFC 8555 CA) on loopback: a `tls: auto`
domain gets a certificate over HTTP-01 or TLS-ALPN-01 that chains to pebble's root and is
served by SNI; a restart reuses the stored account and certificate; on-demand names in `allow`
or approved by `ask` get one at their first handshake, others never reach the CA; short-lived
certificates are renewed and swapped while clicks flow; with the CA down the old certificate
stays served and the manager backs off; two nodes sharing storage issue once."""

import http.server
import json
import os
import re
import stat
import subprocess
import threading
import time
import urllib.parse

from harness import SECRET_1, Server, TempDir, free_port, main, run, write
from pebble_server import Pebble

HOST = "links.acme.test"
API_SECRET = "ltk_acme_test_read_key_0123456789abcdef"


def metric(admin, name, labels=""):
    text = subprocess.run(["curl", "-s", f"http://127.0.0.1:{admin}/metrics"],
                          capture_output=True, text=True).stdout
    m = re.search(r"^" + re.escape(name + labels) + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def wait_for(what, predicate, timeout=40):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout}s")


def served(port, name, root, alpn=None):
    """The certificate a handshake naming `name` gets, verified against `root`:
    (verified, serial, SANs text)."""
    args = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", name,
            "-CAfile", root, "-verify_hostname", name]
    if alpn:
        args += ["-alpn", alpn]
    p = subprocess.run(args, input="", capture_output=True, text=True, timeout=30)
    pem = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", p.stdout, re.S)
    if not pem:
        return False, None, ""
    info = subprocess.run(["openssl", "x509", "-noout", "-serial", "-ext", "subjectAltName"],
                          input=pem.group(0), capture_output=True, text=True).stdout
    serial = re.search(r"serial=(\w+)", info).group(1)
    return "Verify return code: 0 (ok)" in p.stdout, serial, info


def curl(port, name, path, root):
    p = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                        "--cacert", root, "--resolve", f"{name}:{port}:127.0.0.1",
                        f"https://{name}:{port}{path}"], capture_output=True, text=True,
                       timeout=60)
    return p.stdout, p.stderr


def acme_check(node):
    """The ACME line of `linktrack doctor` for HOST (storage only: no network needed)."""
    p = run("doctor", HOST, "-c", node.config, "--resolve", f"{HOST}:127.0.0.1",
            "--format", "json")
    (report,) = json.loads(p.stdout)
    return next(c for c in report["checks"] if c["name"] == "ACME")


def api_domain(node):
    p = subprocess.run(["curl", "-s", "-H", f"Authorization: Bearer {API_SECRET}",
                        f"http://127.0.0.1:{node.admin}/api/v1/domains"],
                       capture_output=True, text=True, timeout=30)
    return next(d for d in json.loads(p.stdout)["domains"] if d["host"] == HOST)


class Node:
    def __init__(self, tmp, pebble, challenges, name="node", storage=None, https=None, http=None,
                 domains=None, on_demand="", renew_before=""):
        self.tmp, self.pebble = tmp, pebble
        self.https = https or free_port()
        self.http = http or free_port()
        self.admin = free_port()
        self.storage = storage or os.path.join(tmp, "acme")
        self.root = os.path.join(tmp, "root.pem")
        domains = domains if domains is not None else f"""
  - host: {HOST}
    aliases: [www.{HOST}]
    tls: auto
"""
        self.config = write(os.path.join(tmp, name + ".yaml"), f"""
listen:
  https: ["127.0.0.1:{self.https}"]
  http: ["127.0.0.1:{self.http}"]
  admin: "127.0.0.1:{self.admin}"
keys: [{{id: 1, secret: "{SECRET_1}"}}]
api:
  keys: [{{id: ops, secret: "{API_SECRET}", scopes: [read]}}]
store: {{path: {tmp}/{name}.db}}
domains:{domains}
acme:
  directory: {pebble.directory}
  email: ops@acme.test
  storage: {self.storage}
  ca_file: {pebble.ca_file}
  challenges: {json.dumps(challenges)}
{renew_before}{on_demand}
""")

    def server(self):
        return Server(self.config, self.https, also=(self.http, self.admin))

    def issued(self):
        return metric(self.admin, "linktrack_acme_certificates_issued_total")

    def renewed(self):
        return metric(self.admin, "linktrack_acme_certificates_renewed_total")


def test_tls_auto_domain_over_http01_served_by_sni_and_reused_after_restart():
    with TempDir() as tmp:
        https, plain = free_port(), free_port()
        with Pebble(plain, https) as pebble:
            node = Node(tmp, pebble, ["http-01"], https=https, http=plain)
            with node.server() as s:
                wait_for("a certificate issued", lambda: node.issued() == 1)
                pebble.root(node.root)
                ok, serial, sans = served(node.https, HOST, node.root)
                assert ok, "the certificate does not chain to pebble's root"
                assert f"DNS:{HOST}" in sans and f"DNS:www.{HOST}" in sans, sans
                assert served(node.https, "www." + HOST, node.root)[1] == serial
                # A click over it.
                url = run("sign", "-c", node.config, "--domain", HOST, "--url",
                          "https://www.example.com/landing", check=True).stdout.strip()
                out, err = curl(node.https, HOST, urllib.parse.urlsplit(url).path, node.root)
                assert out.startswith("302 https://www.example.com/landing"), (out, err)
                # Challenges are answered on plain http and never redirected; the rest is.
                p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                    "-H", f"Host: {HOST}",
                                    f"http://127.0.0.1:{node.http}/.well-known/acme-challenge/"
                                    "nothing"], capture_output=True, text=True)
                assert p.stdout == "404", p.stdout
                # Files 0600, and what the operator and Prometheus see.
                for path in (os.path.join(node.storage, "certificates", HOST + ".pem"),
                             *[os.path.join(d, "key.pem") for d, _, files in
                               os.walk(os.path.join(node.storage, "accounts"))
                               if "key.pem" in files]):
                    mode = stat.S_IMODE(os.stat(path).st_mode)
                    assert mode == 0o600, (path, oct(mode))
                assert metric(node.admin, "linktrack_certificate_expiry_timestamp_seconds",
                              f'{{domain="{HOST}"}}') > time.time()
                assert metric(node.admin, "linktrack_acme_next_renewal_timestamp_seconds",
                              f'{{domain="{HOST}"}}') > time.time()
                listing = run("certs", "list", "-c", node.config, check=True).stdout
                assert HOST in listing and "tls: auto" in listing, listing
                listed = json.loads(run("certs", "list", "-c", node.config, "--format", "json",
                                        check=True).stdout)
                assert listed[0]["host"] == HOST and listed[0]["not_after"] > time.time()
                check = acme_check(node)
                assert check["outcome"] == "pass" and "renews from" in check["detail"], check
                tls = api_domain(node)["tls"]
                assert tls["source"] == "acme" and f"www.{HOST}" in tls["sans"], tls
                assert tls["days_left"] >= 1, tls
                assert "error" not in s.output().lower(), s.output()
            # A restart: the stored account and certificate, served from the first handshake.
            with node.server() as s:
                ok, again, _ = served(node.https, HOST, node.root)
                assert ok and again == serial, (serial, again)
                time.sleep(2)
                assert node.issued() == 0 and node.renewed() == 0
                assert "new account" not in s.output(), s.output()
            log = pebble.output()
            # One account created (pebble rejects 5% of nonces: a retried POST is not another).
            accounts = re.findall(r"There are now (\d+) accounts", log)
            assert accounts == ["1"], ("the account was not reused", accounts)
            assert log.count("Issued certificate serial") == 1


def test_tls_alpn01_alone_and_acme_tls_refused_without_a_challenge():
    with TempDir() as tmp:
        https, plain = free_port(), free_port()
        with Pebble(plain, https) as pebble:
            node = Node(tmp, pebble, ["tls-alpn-01"], https=https, http=plain)
            with node.server() as s:
                wait_for("a certificate issued", lambda: node.issued() == 1)
                pebble.root(node.root)
                assert served(node.https, HOST, node.root)[0]
                assert "validate w/ HTTP" not in pebble.output()
                assert f"proving {HOST} by tls-alpn-01" in s.output(), s.output()
                # acme-tls/1 is for validation only: with no challenge under way, no handshake.
                p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{node.https}",
                                    "-servername", HOST, "-alpn", "acme-tls/1"], input="",
                                   capture_output=True, text=True, timeout=30)
                assert "BEGIN CERTIFICATE" not in p.stdout, p.stdout


class AskEndpoint(http.server.BaseHTTPRequestHandler):
    asked = []

    def do_GET(self):
        domain = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["domain"][0]
        AskEndpoint.asked.append(domain)
        self.send_response(200 if domain.startswith("yes.") else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_on_demand_allow_and_ask_and_a_flood_of_names():
    ask = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AskEndpoint)
    threading.Thread(target=ask.serve_forever, daemon=True).start()
    try:
        with TempDir() as tmp:
            https, plain = free_port(), free_port()
            with Pebble(plain, https) as pebble:
                node = Node(tmp, pebble, ["http-01"], https=https, http=plain, domains="""
  - host: links.od.test
""", on_demand=f"""  on_demand:
    domain: links.od.test
    allow: ["*.brands.test"]
    ask: http://127.0.0.1:{ask.server_address[1]}/check
    rate: 2
""")
                with node.server() as s:
                    pebble.root(node.root)
                    # In allow: issued while the first handshake waits; served as links.od.test.
                    started = time.time()
                    out, err = curl(node.https, "one.brands.test", "/robots.txt", node.root)
                    assert out.startswith("200"), (out, err, s.output()[-2000:])
                    first_handshake = time.time() - started
                    assert "one.brands.test" not in AskEndpoint.asked  # allow needs no asking
                    # A click on the brand's name: a token of the on-demand domain.
                    url = run("sign", "-c", node.config, "--domain", "links.od.test", "--url",
                              "https://brand.example/offer", check=True).stdout.strip()
                    out, err = curl(node.https, "one.brands.test", urllib.parse.urlsplit(url).path,
                                    node.root)
                    assert out.startswith("302 https://brand.example/offer"), (out, err)
                    # Outside allow: the ask endpoint decides, and its refusal is kept.
                    out, _ = curl(node.https, "no.other.test", "/robots.txt", node.root)
                    assert not out.startswith("200"), out
                    out, _ = curl(node.https, "no.other.test", "/robots.txt", node.root)
                    assert AskEndpoint.asked.count("no.other.test") == 1, AskEndpoint.asked
                    out, err = curl(node.https, "yes.other.test", "/robots.txt", node.root)
                    assert out.startswith("200"), (out, err)
                    assert node.issued() == 2
                    # Two a minute: a third allowed name waits for the next minute.
                    out, _ = curl(node.https, "three.brands.test", "/robots.txt", node.root)
                    assert not out.startswith("200"), out
                    assert metric(node.admin, "linktrack_acme_on_demand_total",
                                  '{outcome="rate_limited"}') == 1
                    # A flood of random names: asking stays within its budget (60 a minute at
                    # this rate), nothing is issued.
                    asked_before = len(AskEndpoint.asked)
                    for i in range(90):
                        subprocess.run(["openssl", "s_client", "-connect",
                                        f"127.0.0.1:{node.https}", "-servername",
                                        f"r{i}.flood.test"], input="", capture_output=True,
                                       timeout=30)
                    flood_asks = len(AskEndpoint.asked) - asked_before
                    assert 50 <= flood_asks <= 70, flood_asks
                    assert node.issued() == 2
                    assert pebble.output().count("Added order") == 2, "an order for a refused name"
                    assert metric(node.admin, "linktrack_acme_on_demand_total",
                                  '{outcome="rate_limited"}') >= 20
                    assert metric(node.admin, "linktrack_acme_on_demand_total",
                                  '{outcome="denied"}') >= 2
                    # Not an issuable name: refused before anything is asked.
                    subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{node.https}",
                                    "-servername", "127.0.0.1"], input="", capture_output=True)
                    assert "127.0.0.1" not in AskEndpoint.asked
                print(f"    first on-demand handshake: {first_handshake:.2f} s; flood of 90 names: "
                      f"{flood_asks} asks, 0 orders")
    finally:
        ask.shutdown()


def test_short_certificates_renewed_while_clicks_flow_and_ca_down_keeps_the_old_one():
    with TempDir() as tmp:
        https, plain = free_port(), free_port()
        with Pebble(plain, https, validity_seconds=30) as pebble:
            node = Node(tmp, pebble, ["http-01"], https=https, http=plain)
            with node.server() as s:
                wait_for("a certificate issued", lambda: node.issued() == 1)
                pebble.root(node.root)
                _, first, _ = served(node.https, HOST, node.root)
                url = run("sign", "-c", node.config, "--domain", HOST, "--url",
                          "https://www.example.com/", check=True).stdout.strip()
                path = urllib.parse.urlsplit(url).path
                answers = []
                stop = threading.Event()

                def clicks():
                    while not stop.is_set():
                        answers.append(curl(node.https, HOST, path, node.root)[0][:3])
                        time.sleep(0.1)

                clicker = threading.Thread(target=clicks)
                clicker.start()
                try:
                    wait_for("a renewal", lambda: node.renewed() and node.renewed() >= 1,
                             timeout=40)
                    time.sleep(1)
                finally:
                    stop.set()
                    clicker.join()
                ok, second, _ = served(node.https, HOST, node.root)
                assert ok and second != first, (first, second)
                assert answers and set(answers) == {"302"}, sorted(set(answers))
                # The CA goes away; a renewal asked for fails, backs off, and the certificate
                # served stays the last good one.
                pebble.stop()
                run("certs", "renew", HOST, "-c", node.config, "--wait", "0", check=True)
                wait_for("a failure counted",
                         lambda: (metric(node.admin, "linktrack_acme_failures_total") or 0) >= 1)
                assert metric(node.admin, "linktrack_acme_consecutive_failures",
                              f'{{domain="{HOST}"}}') >= 1
                assert served(node.https, HOST, node.root)[1] == second
                assert "still serving the certificate" in s.output(), s.output()[-2000:]
                listing = run("certs", "list", "-c", node.config).stdout
                assert "failed" in listing, listing
                check = acme_check(node)
                assert check["outcome"] == "fail", check
                assert "still serving" in check["detail"] and "certs renew" in check["fix"], check
                # Back: the next try after the back-off succeeds (pebble has a new root now).
                pebble.start()
                wait_for("a renewal after the outage",
                         lambda: node.renewed() and node.renewed() >= 2, timeout=60)
                pebble.root(node.root)
                ok, third, _ = served(node.https, HOST, node.root)
                assert ok and third not in (first, second)
                assert metric(node.admin, "linktrack_acme_consecutive_failures",
                              f'{{domain="{HOST}"}}') == 0


def test_two_nodes_sharing_storage_issue_once():
    with TempDir() as tmp:
        # pebble checks HTTP-01 on one node's port and TLS-ALPN-01 on the other's: each node
        # can answer only for itself, and either may be the one that issues.
        a_http, b_https = free_port(), free_port()
        with Pebble(a_http, b_https) as pebble:
            a = Node(tmp, pebble, ["http-01"], name="a", http=a_http)
            b = Node(tmp, pebble, ["tls-alpn-01"], name="b", https=b_https)
            with a.server(), b.server():
                wait_for("both serving a certificate",
                         lambda: (a.issued() or 0) + (b.issued() or 0) >= 1)
                pebble.root(a.root)
                wait_for("the other node picking it up",
                         lambda: served(a.https, HOST, a.root)[0] and
                         served(b.https, HOST, a.root)[0], timeout=20)
                assert served(a.https, HOST, a.root)[1] == served(b.https, HOST, a.root)[1]
                assert a.issued() + b.issued() == 1
            assert pebble.output().count("Issued certificate serial") == 1


if __name__ == "__main__":
    main([
        test_tls_auto_domain_over_http01_served_by_sni_and_reused_after_restart,
        test_tls_alpn01_alone_and_acme_tls_refused_without_a_challenge,
        test_on_demand_allow_and_ask_and_a_flood_of_names,
        test_short_certificates_renewed_while_clicks_flow_and_ca_down_keeps_the_old_one,
        test_two_nodes_sharing_storage_issue_once,
    ])
