"""The real server on loopback, driven by curl, openssl s_client and Python's ssl/socket."""

import http.client
import os
import random
import socket
import sqlite3
import ssl
import subprocess
import threading
import time

from harness import (SECRET_1, Server, TempDir, free_port, main, make_cert, run, write)

A, B, ORG = "links.a.test", "links.b.test", "links.plain.test"
AASA = '{"applinks": {"details": [{"appIDs": ["T.com.a"], "components": [{"/": "/c/*"}]}]}}\n'
ASSET = '[{"relation": ["delegate_permission/common.handle_all_urls"]}]\n'


class Setup:
    """A config with two TLS domains (A, with an alias, and B), a wildcard-certificate domain
    and a plain-HTTP one; ports picked free."""

    def __init__(self, tmp, trusted="127.0.0.2/32", extra=""):
        self.tmp = tmp
        self.https, self.http, self.admin = free_port(), free_port(), free_port()
        self.cert_a = make_cert(tmp, A, "click.a.test")
        self.cert_b = make_cert(tmp, B)
        self.cert_w = make_cert(tmp, "*.w.test")
        write(os.path.join(tmp, "aasa.json"), AASA)
        write(os.path.join(tmp, "assetlinks.json"), ASSET)
        self.db = os.path.join(tmp, "clicks.db")
        self.config = write(os.path.join(tmp, "linktrack.yaml"), f"""
listen:
  https: "127.0.0.1:{self.https}"
  http: "127.0.0.1:{self.http}"
  admin: "127.0.0.1:{self.admin}"
threads: 2
keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: clicks.db, batch_interval_ms: 10}}
proxies: {{trusted: ["{trusted}"]}}
limits: {{header_bytes: 4096, header_timeout_ms: 1500, idle_timeout_ms: 3000}}
domains:
  - host: {A}
    aliases: [click.a.test]
    tls: {{cert: {self.cert_a[0]}, key: {self.cert_a[1]}}}
    fallback_url: "https://www.a.test/"
    cookies:
      domain: a.test
      max_age: 1h
      names: {{campaign: lt_c, template: lt_t, message: lt_m, recipient: lt_r}}
    append_query: {{utm_source: email}}
    apple_app_site_association: aasa.json
    assetlinks: assetlinks.json
    hsts: {{max_age: 1d}}
  - host: {B}
    tls: {{cert: {self.cert_b[0]}, key: {self.cert_b[1]}}}
  - host: links.w.test
    tls: {{cert: {self.cert_w[0]}, key: {self.cert_w[1]}}}
  - host: {ORG}
    fallback_url: "https://www.plain.test/"
{extra}""")

    def server(self):
        return Server(self.config, self.https, also=(self.http, self.admin))

    def sign(self, domain, url, *args):
        return run("sign", "-c", self.config, "--domain", domain, "--url", url, *args,
                   check=True).stdout.strip()

    def curl(self, url, *args, host=None):
        """curl against our ports whatever the URL's host; returns (status, headers, body)."""
        u = url.replace(f"https://{host or ''}", "")
        scheme, rest = url.split("://", 1)
        name = rest.split("/", 1)[0]
        port = self.https if scheme == "https" else self.http
        p = subprocess.run(["curl", "-sk", "-D", "-", "-o", "-", "--max-time", "10",
                            "--resolve", f"{name}:{port}:127.0.0.1",
                            url.replace(f"://{name}/", f"://{name}:{port}/"), *args],
                           capture_output=True, timeout=20)
        raw = p.stdout
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
        headers = [tuple(x.split(": ", 1)) for x in lines[1:] if ": " in x]
        return status, headers, body

    def rows(self):
        con = sqlite3.connect(self.db)
        con.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in con.execute("SELECT * FROM events ORDER BY id")]
        finally:
            con.close()


def header(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


def s_client(port, name):
    p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", name],
                       input=b"", capture_output=True, timeout=15)
    return p.stdout.decode() + p.stderr.decode()


def peer_cert(port, name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        with ctx.wrap_socket(s, server_hostname=name) as t:
            return t.getpeercert(binary_form=True)


class SniConnection(http.client.HTTPSConnection):
    """Keep-alive HTTPS to 127.0.0.1 that sends `name` as SNI and Host."""

    def __init__(self, port, name):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        super().__init__("127.0.0.1", port, context=ctx, timeout=5)
        self.name = name

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.name)

    def get(self, path):
        self.request("GET", path, headers={"Host": self.name})
        r = self.getresponse()
        return r.status, r.read()


def der(path):
    with open(path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def test_sni_selects_each_domains_certificate():
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server():
            assert "subject=CN = links.a.test" in s_client(s.https, A)
            assert "subject=CN = links.b.test" in s_client(s.https, B)
            assert "subject=CN = links.a.test" in s_client(s.https, "click.a.test")  # alias
            assert "subject=CN = *.w.test" in s_client(s.https, "links.w.test")  # wildcard
            assert peer_cert(s.https, B) == der(s.cert_b[0])
            out = s_client(s.https, "unknown.example")
            assert "unrecognized name" in out, out
            status, _, _ = s.curl(f"https://{B}/healthz")
            assert status == 200
            status, _, _ = s.curl(f"https://{A}/healthz")
            assert status == 200


def test_tls_versions_are_1_2_and_1_3_only():
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server():
            for flag, ok in (("-tls1_2", True), ("-tls1_3", True), ("-tls1_1", False)):
                p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{s.https}",
                                    "-servername", A, flag], input=b"", capture_output=True,
                                   timeout=15)
                text = p.stdout.decode() + p.stderr.decode()
                assert ("BEGIN CERTIFICATE" in text or "Server certificate" in text) == ok, (flag, text)


def test_click_redirects_with_cookies_and_is_logged():
    with TempDir() as tmp:
        s = Setup(tmp)
        url = s.sign(A, "https://shop.a.test/p?x=1#f", "--campaign", "spring", "--template", "7",
                     "--message", "0123456789abcdef0123456789abcdef", "--recipient", "42",
                     "--link", "hero")
        with s.server() as srv:
            status, headers, body = s.curl(url, "-A", "test-agent/1.0")
            assert status == 302, (status, headers)
            assert header(headers, "Location") == ["https://shop.a.test/p?x=1&utm_source=email#f"]
            assert header(headers, "Cache-Control") == ["no-store"]
            assert header(headers, "Strict-Transport-Security") == ["max-age=86400"]
            cookies = header(headers, "Set-Cookie")
            assert sorted(c.split(";")[0] for c in cookies) == [
                "lt_c=spring", "lt_m=0123456789abcdef0123456789abcdef", "lt_r=42", "lt_t=7"]
            for c in cookies:
                assert c.endswith("; Domain=a.test; Path=/; Max-Age=3600; Secure; SameSite=Lax"), c
            assert len(body) < 64
            # HEAD answers the same and logs nothing.
            status, headers, _ = s.curl(url, "-I")
            assert status == 302 and header(headers, "Location")
            # Apps resolve with JSON.
            status, headers, body = s.curl(url, "-H", "Accept: application/json")
            assert status == 200
            assert body.startswith(b'{"campaign":"spring","link":"hero"'), body
            assert b'"url":"https://shop.a.test/p?x=1&utm_source=email#f"' in body
            assert len(header(headers, "Set-Cookie")) == 4
            assert srv.stop() == 0
        rows = s.rows()
        assert [r["kind"] for r in rows] == ["click", "app"], rows
        r = rows[0]
        assert (r["host"], r["campaign"], r["template"], r["message"], r["recipient"], r["link"]) == (
            A, "spring", "7", "0123456789abcdef0123456789abcdef", "42", "hero")
        assert r["user_agent"] == "test-agent/1.0" and r["client_ip"] == "127.0.0.1"


def test_tampered_and_cross_host_tokens_never_reach_their_destination():
    with TempDir() as tmp:
        s = Setup(tmp)
        url = s.sign(A, "https://victim.example/secret")
        token = url.rsplit("/", 1)[1]
        cross = s.sign(B, "https://victim.example/secret").rsplit("/", 1)[1]
        rng = random.Random(7)
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        variants = [cross]
        for i in range(len(token)):
            c = alphabet[(alphabet.index(token[i]) + 1 + rng.randrange(63)) % 64]
            variants.append(token[:i] + c + token[i + 1:])
        with s.server():
            for v in variants[:60]:
                status, headers, _ = s.curl(f"https://{A}/c/{v}")
                assert status == 302 and header(headers, "Location") == ["https://www.a.test/"], (v, status)
            # B has no fallback: a bad token is a plain 404 page.
            status, headers, body = s.curl(f"https://{B}/c/{token}")
            assert status == 404 and not header(headers, "Location") and b"not found" in body
            # Hostile paths never make a Location with CR, LF or a foreign scheme.
            for path in ["/c/%0d%0aSet-Cookie:x", "/c/javascript:alert(1)", "/c/" + "A" * 3000,
                         "/c/..%2f..%2f", "/o/x", "/c/%00"]:
                for scheme in ("https", "http"):
                    host = A if scheme == "https" else ORG
                    status, headers, _ = s.curl(f"{scheme}://{host}{path}")
                    for loc in header(headers, "Location"):
                        assert "\r" not in loc and "\n" not in loc
                        assert loc.startswith("https://") or loc.startswith("http://"), loc
            metrics = metrics_text(s)
            assert 'linktrack_rejected_tokens_total{reason="bad_tag"}' in metrics
            assert "linktrack_clicks_total 0" in metrics, metrics


def test_unknown_host_gets_421():
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server():
            p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                                "Host: nowhere.test", f"http://127.0.0.1:{s.http}/c/x"],
                               capture_output=True, text=True)
            assert p.stdout == "421"


def test_deep_link_files_byte_for_byte_over_https_and_http():
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server():
            for scheme in ("https", "http"):
                for path, content in (("/.well-known/apple-app-site-association", AASA),
                                      ("/apple-app-site-association", AASA),
                                      ("/.well-known/assetlinks.json", ASSET)):
                    status, headers, body = s.curl(f"{scheme}://{A}{path}")
                    assert status == 200, (scheme, path, status)
                    assert body == content.encode(), (scheme, path)
                    assert header(headers, "Content-Type") == ["application/json"]
                    assert not header(headers, "Location")
                status, _, _ = s.curl(f"{scheme}://{B}/.well-known/assetlinks.json")
                assert status == 404
            # Everything else on plain HTTP of a TLS domain goes to https.
            status, headers, _ = s.curl(f"http://{A}/c/abc?x=1")
            # To the https listener's port, which is not 443 here.
            assert status == 308
            assert header(headers, "Location") == [f"https://{A}:{s.https}/c/abc?x=1"]
            for path, ctype in (("/favicon.ico", "image/x-icon"), ("/robots.txt", "text/plain")):
                status, headers, _ = s.curl(f"https://{A}{path}")
                assert status == 200 and header(headers, "Content-Type")[0].startswith(ctype)


def test_plain_http_domain_and_open_pixel():
    with TempDir() as tmp:
        s = Setup(tmp)
        url = s.sign(ORG, "https://www.plain.test/x")
        assert url.startswith(f"http://{ORG}/c/")
        pixel = run("sign", "-c", s.config, "--domain", ORG, "--open", "--campaign", "9",
                    check=True).stdout.strip()
        assert pixel.startswith(f"http://{ORG}/o/")
        with s.server() as srv:
            status, headers, _ = s.curl(url)
            assert status == 302 and header(headers, "Location") == ["https://www.plain.test/x"]
            assert not header(headers, "Set-Cookie")  # no cookie names configured
            status, headers, body = s.curl(pixel)
            assert status == 200 and len(body) == 43 and body.startswith(b"GIF89a")
            assert header(headers, "Cache-Control") == ["no-store"]
            srv.stop()
        assert [r["kind"] for r in s.rows()] == ["click", "open"]


def forwarded_ip(trusted):
    with TempDir() as tmp:
        s = Setup(tmp, trusted=trusted)
        url = s.sign(A, "https://shop.a.test/")
        with s.server() as srv:
            status, _, _ = s.curl(url, "-H", "X-Forwarded-For: 6.6.6.6, 198.51.100.23")
            assert status == 302
            srv.stop()
        return s.rows()[0]["client_ip"]


def test_x_forwarded_for_only_from_trusted_peers():
    assert forwarded_ip("127.0.0.2/32") == "127.0.0.1"
    assert forwarded_ip("127.0.0.1/32") == "198.51.100.23"


def test_oversized_headers_get_431():
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server():
            status, _, _ = s.curl(f"https://{A}/healthz", "-H", "X-Big: " + "a" * 5000)
            assert status == 431


def read_responses(sock, count, timeout=5):
    """Reads `count` HTTP responses (each with a Content-Length) and returns their status codes."""
    sock.settimeout(timeout)
    data, statuses = b"", []
    while len(statuses) < count:
        end = data.find(b"\r\n\r\n")
        if end >= 0:
            head = data[:end].decode()
            length = int(next(line.split(":", 1)[1] for line in head.split("\r\n")
                              if line.lower().startswith("content-length:")))
            if len(data) >= end + 4 + length:
                statuses.append(int(head.split()[1]))
                data = data[end + 4 + length:]
                continue
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return statuses


def test_request_framing_pipelined_split_and_oversized_bodies():
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server():
            get = f"GET /healthz HTTP/1.1\r\nHost: {ORG}\r\n\r\n".encode()
            # Three requests in one packet: three answers, in order.
            with socket.create_connection(("127.0.0.1", s.http)) as c:
                c.sendall(get + f"GET /nothing HTTP/1.1\r\nHost: {ORG}\r\n\r\n".encode() + get)
                assert read_responses(c, 3) == [200, 404, 200]
            # One request in three pieces, with pauses between them.
            with socket.create_connection(("127.0.0.1", s.http)) as c:
                for piece in (get[:5], get[5:21], get[21:]):
                    c.sendall(piece)
                    time.sleep(0.1)
                assert read_responses(c, 1) == [200]
            # A body within the limit is read past (POST itself is refused); one beyond it gets 413.
            with socket.create_connection(("127.0.0.1", s.http)) as c:
                c.sendall(f"POST /healthz HTTP/1.1\r\nHost: {ORG}\r\nContent-Length: 10\r\n\r\n"
                          "0123456789".encode() + get)
                assert read_responses(c, 2) == [405, 200]
            with socket.create_connection(("127.0.0.1", s.http)) as c:
                c.sendall(f"POST /healthz HTTP/1.1\r\nHost: {ORG}\r\nContent-Length: 20000\r\n"
                          "\r\n".encode() + b"x" * 20000)
                assert read_responses(c, 1) == [413]
            # A malformed request line gets 400; a request cut off by the client gets nothing.
            with socket.create_connection(("127.0.0.1", s.http)) as c:
                c.sendall(b"GET /healthz HTTP/9\r\n\r\n")
                assert read_responses(c, 1) == [400]
            with socket.create_connection(("127.0.0.1", s.http)) as c:
                c.sendall(f"GET /healthz HTTP/1.1\r\nHost: {ORG}\r\n".encode())
                c.shutdown(socket.SHUT_WR)
                c.settimeout(5)
                assert c.recv(4096) == b""
            # The server is still serving.
            assert s.curl(f"http://{ORG}/healthz")[0] == 200


def tls_socket(port, name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5),
                           server_hostname=name)


class RecordClient:
    """TLS through memory BIOs over a plain socket: the test decides how records are packed into
    the socket's writes."""

    def __init__(self, port, name):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing, server_hostname=name)
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.sock.sendall(self.outgoing.read())
                self.incoming.write(self.sock.recv(65536) or b"\0")  # closed: fails the handshake
        self.sock.sendall(self.outgoing.read())

    def send_records(self, pieces):
        """One record per piece, all in one write to the socket."""
        for piece in pieces:
            self.tls.write(piece)
        self.sock.sendall(self.outgoing.read())

    def settimeout(self, timeout):
        self.sock.settimeout(timeout)

    def recv(self, size):
        while True:
            try:
                return self.tls.read(size)
            except ssl.SSLWantReadError:
                data = self.sock.recv(65536)
                if not data:
                    return b""
                self.incoming.write(data)

    def close(self):
        self.sock.close()


def test_tls_records_pipelined_split_closed_and_rekeyed():
    """The server drives OpenSSL on the socket itself: requests pipelined in one record, one
    request over many records (apart, and many in one read), a body in a later record, the
    client's close_notify answered with one, and a TLS 1.3 KeyUpdate between two requests."""
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server():
            get = f"GET /healthz HTTP/1.1\r\nHost: {A}\r\n\r\n".encode()
            with tls_socket(s.https, A) as c:
                c.sendall(get + f"GET /nothing HTTP/1.1\r\nHost: {A}\r\n\r\n".encode() + get)
                assert read_responses(c, 3) == [200, 404, 200]
            with tls_socket(s.https, A) as c:
                for piece in (get[:5], get[5:21], get[21:]):
                    c.sendall(piece)  # a record each
                    time.sleep(0.1)
                assert read_responses(c, 1) == [200]
            # A record a byte, all in one write: what the server has received waits in OpenSSL,
            # not in the socket, and must be read without waiting for the socket.
            c = RecordClient(s.https, A)
            try:
                c.send_records([get[i:i + 1] for i in range(len(get))])
                assert read_responses(c, 1) == [200]
                c.send_records([get, get])  # two requests in two records in one write
                assert read_responses(c, 2) == [200, 200]
            finally:
                c.close()
            with tls_socket(s.https, A) as c:
                c.sendall(f"POST /healthz HTTP/1.1\r\nHost: {A}\r\nContent-Length: 10\r\n"
                          "\r\n".encode())
                time.sleep(0.1)
                c.sendall(b"0123456789" + get)
                assert read_responses(c, 2) == [405, 200]
            with tls_socket(s.https, A) as c:
                c.sendall(f"POST /healthz HTTP/1.1\r\nHost: {A}\r\nContent-Length: 20000\r\n"
                          "\r\n".encode() + b"x" * 20000)
                assert read_responses(c, 1) == [413]
            # A clean close both ways: unwrap() sends close_notify and waits for the server's.
            with tls_socket(s.https, A) as c:
                c.sendall(get)
                assert read_responses(c, 1) == [200]
                c.unwrap().close()
            # s_client's "K": a KeyUpdate asking for the server's own; requests before and after.
            p = subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{s.https}",
                                  "-servername", A, "-tls1_3", "-crlf"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
            try:
                for line in (f"GET /healthz HTTP/1.1\nHost: {A}\n\n", "K\n",
                             f"GET /healthz HTTP/1.1\nHost: {A}\nConnection: close\n\n"):
                    p.stdin.write(line.encode())
                    p.stdin.flush()
                    time.sleep(1)
                out = p.communicate(timeout=15)[0].decode("latin-1")
            finally:
                p.kill()
            assert "KEYUPDATE" in out and out.count("HTTP/1.1 200 OK") == 2, out
            assert s.curl(f"https://{A}/healthz")[0] == 200


def test_slow_client_is_cut_off_while_others_are_served():
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server():
            slow = socket.create_connection(("127.0.0.1", s.http))
            request = f"GET /healthz HTTP/1.1\r\nHost: {ORG}\r\nX-Slow: " + "a" * 50
            started = time.time()
            closed_after = None
            served = []

            def others():
                for _ in range(5):
                    st, _, _ = s.curl(f"http://{ORG}/healthz")
                    served.append(st)
                    time.sleep(0.2)

            t = threading.Thread(target=others)
            t.start()
            try:
                for ch in request:
                    slow.sendall(ch.encode())
                    time.sleep(0.1)
                    if time.time() - started > 8:
                        break
            except OSError:
                closed_after = time.time() - started
            if closed_after is None:
                slow.settimeout(3)
                try:
                    data = slow.recv(100)
                    closed_after = time.time() - started if data == b"" else None
                except OSError:
                    closed_after = time.time() - started
            t.join()
            slow.close()
            assert closed_after is not None and closed_after < 6, closed_after
            assert served == [200] * 5, served


def closed_after(sock, started, limit=10):
    """Seconds from `started` until the server closes `sock` (reads nothing more), or None."""
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except OSError:
        pass
    return time.time() - started


def test_idle_connections_close_at_their_deadlines():
    # handshake_timeout_ms 2000, header_timeout_ms 1500 for the first request, idle_timeout_ms
    # 3000 after each answer; plain and TLS connections alike.
    with TempDir() as tmp:
        s = Setup(tmp)
        with open(s.config) as f:
            text = f.read().replace("header_timeout_ms: 1500,",
                                    "handshake_timeout_ms: 2000, header_timeout_ms: 1500,")
        write(s.config, text)
        with s.server():
            get = f"GET /healthz HTTP/1.1\r\nHost: {ORG}\r\n\r\n".encode()
            watched = {}

            def watch(name, sock):
                started = time.time()
                watched[name] = closed_after(sock, started)
                sock.close()

            # Connected, and nothing sent: no request, no TLS handshake.
            threads = [threading.Thread(target=watch, args=(name, socket.create_connection(
                ("127.0.0.1", port)))) for name, port in (("silent", s.http), ("no-hello", s.https))]
            # A TLS connection idle after one answer.
            tls = SniConnection(s.https, A)
            assert tls.get("/healthz") == (200, b"ok\n")
            threads.append(threading.Thread(target=watch, args=("tls-idle", tls.sock)))
            for t in threads:
                t.start()
            # A client that asks every second for 4 s keeps its connection: each answer moves
            # the deadline. After the last, 3 s of quiet close it.
            busy = socket.create_connection(("127.0.0.1", s.http))
            for _ in range(5):
                busy.sendall(get)
                assert read_responses(busy, 1) == [200]
                last = time.time()
                time.sleep(1.0)
            busy_for = closed_after(busy, last)
            busy.close()
            for t in threads:
                t.join()
            assert 2.7 < busy_for < 4.5, busy_for
            assert 1.2 < watched["silent"] < 3.0, watched
            assert 1.7 < watched["no-hello"] < 3.5, watched
            assert 2.7 < watched["tls-idle"] < 4.5, watched
            assert s.curl(f"http://{ORG}/healthz")[0] == 200


def test_sighup_swaps_certificates_and_keeps_open_connections():
    with TempDir() as tmp:
        s = Setup(tmp)
        with s.server() as srv:
            old = peer_cert(s.https, A)
            conn = SniConnection(s.https, A)
            assert conn.get("/healthz") == (200, b"ok\n")
            os.remove(s.cert_a[0])
            os.remove(s.cert_a[1])
            make_cert(tmp, A, "click.a.test")
            srv.send(__import__("signal").SIGHUP)
            deadline = time.time() + 5
            while peer_cert(s.https, A) == old and time.time() < deadline:
                time.sleep(0.1)
            assert peer_cert(s.https, A) == der(s.cert_a[0]) != old
            assert conn.get("/healthz") == (200, b"ok\n")  # the old connection still works
            conn.close()
            # An invalid config is refused and the old one keeps serving.
            with open(s.config, "a") as f:
                f.write("bogus_key: 1\n")
            srv.send(__import__("signal").SIGHUP)
            time.sleep(0.5)
            status, _, _ = s.curl(f"https://{A}/healthz")
            assert status == 200
            assert "reload refused" in srv.output()


def metrics_text(s):
    return subprocess.run(["curl", "-s", f"http://127.0.0.1:{s.admin}/metrics"],
                          capture_output=True, text=True).stdout


def test_connections_per_client_are_limited_and_access_logged():
    with TempDir() as tmp:
        s = Setup(tmp, extra="log: {access_log: true}\n")
        with open(s.config) as f:
            text = f.read().replace("header_timeout_ms: 1500, idle_timeout_ms: 3000}",
                                    "header_timeout_ms: 10000, idle_timeout_ms: 3000, "
                                    "connections_per_client: 2}")
        write(s.config, text)
        with s.server() as srv:
            def wait_open(n):
                deadline = time.time() + 5
                while f"linktrack_connections_open {n}\n" not in metrics_text(s):
                    assert time.time() < deadline, metrics_text(s)
                    time.sleep(0.05)

            wait_open(0)  # the start-up probe's connection is gone
            held = [socket.create_connection(("127.0.0.1", s.http)) for _ in range(2)]
            wait_open(2)  # accept queues are per thread: both admitted
            extra = socket.create_connection(("127.0.0.1", s.http))
            extra.settimeout(3)
            extra.sendall(f"GET /healthz HTTP/1.1\r\nHost: {ORG}\r\n\r\n".encode())
            try:
                got = extra.recv(100)
                refused = got == b""
            except ConnectionResetError:
                refused = True
            assert refused, "a third connection from one client was served: %r\n%s" % (
                got, [l for l in metrics_text(s).splitlines() if l.startswith("linktrack_conn")])
            for h in held:
                h.close()
            time.sleep(0.2)
            status, _, _ = s.curl(f"http://{ORG}/healthz")
            assert status == 200
            assert f'access 127.0.0.1 "GET {ORG}:{s.http}/healthz" 200' in srv.output(), srv.output()


def test_metrics_by_domain_latency_certificates_and_fallbacks_pass_promtool():
    """Per-domain series, the latency histogram, certificate expiry, and fallbacks counted
    apart from clicks; the whole page passes `promtool check metrics`."""
    import shutil
    with TempDir() as tmp:
        s = Setup(tmp)
        good = s.sign(A, "https://shop.a.test/x")
        with s.server():
            assert s.curl(good)[0] == 302
            assert s.curl(f"https://{A}/c/not-a-token")[0] == 302  # to the fallback_url
            assert s.curl(f"http://{ORG}/c/not-a-token")[0] == 302
            assert s.curl(f"https://{B}/healthz")[0] == 200
            text = metrics_text(s)
        lines = text.splitlines()
        assert 'linktrack_requests_total{route="click",status="302"} 1' in lines, text
        assert 'linktrack_requests_total{route="fallback",status="302"} 2' in lines, text
        assert f'linktrack_domain_requests_total{{domain="{A}",route="click"}} 1' in lines, text
        assert f'linktrack_domain_requests_total{{domain="{A}",route="fallback"}} 1' in lines
        assert f'linktrack_domain_requests_total{{domain="{ORG}",route="fallback"}} 1' in lines
        assert f'linktrack_domain_requests_total{{domain="{B}",route="healthz"}} 1' in lines
        assert 'linktrack_request_duration_seconds_count{route="click"} 1' in lines, text
        assert 'linktrack_request_duration_seconds_bucket{route="click",le="+Inf"} 1' in lines
        expiry = [l for l in lines if l.startswith("linktrack_certificate_expiry_timestamp_seconds{")]
        assert len(expiry) == 3, expiry  # A, B and the wildcard domain; ORG has no tls
        a_expiry = int(next(l for l in expiry if f'domain="{A}"' in l).split()[-1])
        assert 29 * 86400 < a_expiry - time.time() < 31 * 86400, a_expiry  # make_cert: 30 days
        promtool = shutil.which("promtool")
        assert promtool, "promtool is installed by deploy/install-deps.sh (package prometheus)"
        p = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                           text=True)
        assert p.returncode == 0, p.stdout + p.stderr


def test_sigterm_after_n_clicks_logs_n_events():
    with TempDir() as tmp:
        s = Setup(tmp)
        n = 200
        urls = [s.sign(A, f"https://shop.a.test/{i}", "--recipient", str(i)) for i in range(20)]
        with s.server() as srv:
            conn = SniConnection(s.https, A)
            for i in range(n):
                assert conn.get(urls[i % 20].split(A, 1)[1])[0] == 302
            conn.close()
            assert srv.stop() == 0
        assert len(s.rows()) == n


if __name__ == "__main__":
    main([test_sni_selects_each_domains_certificate, test_tls_versions_are_1_2_and_1_3_only,
          test_click_redirects_with_cookies_and_is_logged,
          test_tampered_and_cross_host_tokens_never_reach_their_destination,
          test_unknown_host_gets_421, test_deep_link_files_byte_for_byte_over_https_and_http,
          test_metrics_by_domain_latency_certificates_and_fallbacks_pass_promtool,
          test_plain_http_domain_and_open_pixel, test_x_forwarded_for_only_from_trusted_peers,
          test_oversized_headers_get_431, test_request_framing_pipelined_split_and_oversized_bodies,
          test_tls_records_pipelined_split_closed_and_rekeyed,
          test_slow_client_is_cut_off_while_others_are_served,
          test_idle_connections_close_at_their_deadlines,
          test_sighup_swaps_certificates_and_keeps_open_connections,
          test_connections_per_client_are_limited_and_access_logged,
          test_sigterm_after_n_clicks_logs_n_events])
