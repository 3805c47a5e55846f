"""linktrack behind each proxy or CDN that deploy/ has a guide for, end to end on loopback.

CloudFront and Cloudflare are reproduced by an nginx configured to send exactly the headers
those CDNs send to an origin (and the Host, SNI and TLS settings the guides use); nginx and
Apache in front are themselves, configured as their guides say. The viewer (curl) connects from
127.0.0.9, the proxy reaches linktrack from 127.0.0.2 (the only trusted address), so the
address a click is logged with shows whose word was taken."""

import json
import os
import shutil
import sqlite3
import subprocess
import time

from harness import SECRET_1, Server, TempDir, free_port, main, make_cert, run, wait_for_port, write

VIEWER = "127.0.0.9"
PROXY = "127.0.0.2"
AASA = '{"applinks": {"details": [{"appIDs": ["T.com.a"], "components": [{"/": "/c/*"}]}]}}\n'


class Linktrack:
    """linktrack with one domain, as a guide configures it."""

    def __init__(self, tmp, host, domain_extra, tls=True):
        self.tmp, self.host = tmp, host
        self.https, self.http, self.admin = free_port(), free_port(), free_port()
        write(os.path.join(tmp, "aasa.json"), AASA)
        self.cert = make_cert(tmp, "origin-" + host, host, "origin.example.net")
        tls_line = f"    tls: {{cert: {self.cert[0]}, key: {self.cert[1]}}}\n" if tls else ""
        self.config = write(os.path.join(tmp, "linktrack.yaml"), f"""
listen:
  https: "127.0.0.1:{self.https}"
  http: "127.0.0.1:{self.http}"
  admin: "127.0.0.1:{self.admin}"
threads: 1
keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: clicks.db, batch_interval_ms: 10}}
proxies: {{trusted: ["{PROXY}"]}}
domains:
  - host: {host}
{tls_line}    cookies: {{names: {{campaign: lt_c}}}}
    apple_app_site_association: aasa.json
    hsts: {{max_age: 1d}}
{domain_extra}""")

    def server(self):
        return Server(self.config, self.https, also=(self.http, self.admin))

    def sign(self):
        return run("sign", "-c", self.config, "--domain", self.host, "--url",
                   "https://shop.example.com/p", "--campaign", "spring", check=True).stdout.strip()

    def logged(self, count, timeout=10):
        deadline = time.time() + timeout
        while True:
            try:
                with sqlite3.connect(os.path.join(self.tmp, "clicks.db")) as db:
                    rows = db.execute("SELECT host, client_ip FROM events ORDER BY id").fetchall()
            except sqlite3.OperationalError:
                rows = []
            if len(rows) >= count or time.time() > deadline:
                return rows
            time.sleep(0.05)


class Proxy:
    """A proxy in front (nginx or Apache) on its own config, stopped on exit."""

    def __init__(self, argv, port, log, host="127.0.0.1"):
        self.argv, self.port, self.log, self.host = argv, port, log, host

    def __enter__(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, host=self.host)
        except AssertionError:
            self.__exit__()
            raise AssertionError(f"{self.argv[0]} did not start:\n" + read(self.log))
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def read(path):
    try:
        with open(path) as f:
            return f.read()[-3000:]
    except OSError:
        return ""


def nginx(tmp, server_blocks):
    """nginx in the foreground on `server_blocks`, with its own temp, log and pid files."""
    d = os.path.join(tmp, "nginx")
    os.makedirs(d, exist_ok=True)
    conf = write(os.path.join(d, "nginx.conf"), f"""
daemon off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_bind {PROXY};
{server_blocks}
}}
""")
    return [shutil.which("nginx") or "/usr/sbin/nginx", "-c", conf, "-p", d], os.path.join(
        d, "error.log")


def edge(tmp, host, location):
    """A proxy in front on loopback: `host` over https (a certificate of its own) and plain
    http, each passing every path to linktrack as `location` (nginx directives) says. Returns
    nginx's command line and log, and its https and http ports."""
    cert = make_cert(tmp, host)
    https_port, http_port = free_port(), free_port()
    argv, log = nginx(tmp, f"""
  server {{
    listen 127.0.0.1:{https_port} ssl;
    server_name {host};
    ssl_certificate {cert[0]};
    ssl_certificate_key {cert[1]};
    location / {{ {location} }}
  }}
  server {{
    listen 127.0.0.1:{http_port};
    location / {{ {location} }}
  }}""")
    return argv, log, https_port, http_port


def curl(url, port, *args, resolve_host=None):
    """curl from the viewer's address to the proxy's port; returns (status, headers, body)."""
    scheme, rest = url.split("://", 1)
    name = resolve_host or rest.split("/", 1)[0]
    p = subprocess.run(["curl", "-sk", "--interface", VIEWER, "-D", "-", "-o", "-", "--max-time",
                        "10", "--resolve", f"{name}:{port}:127.0.0.1",
                        url.replace(f"://{name}/", f"://{name}:{port}/"), *args],
                       capture_output=True, timeout=20)
    head, _, body = p.stdout.decode("latin-1").partition("\r\n\r\n")
    lines = head.split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.setdefault(k.strip().lower(), []).append(v.strip())
    return status, headers, body


def check_through(lt, host, https_port, http_port, public_origin, events_before=0):
    """The checks every guide shares, from the viewer's side of the proxy."""
    link = lt.sign()
    assert link.startswith(public_origin + "/c/"), link
    path = link[len(public_origin):]
    # A click over https: 302 to the destination, Secure cookie, HSTS, logged with the viewer's
    # address under the domain's host.
    status, headers, _ = curl(f"https://{host}{path}", https_port)
    assert status == 302, (status, headers)
    assert headers["location"] == ["https://shop.example.com/p"], headers
    assert any("lt_c=spring" in c and "; Secure" in c for c in headers["set-cookie"]), headers
    assert headers.get("strict-transport-security") == ["max-age=86400"], headers
    rows = lt.logged(events_before + 1)
    assert rows[events_before:] == [(lt.host, VIEWER)], rows
    # Plain http at the proxy: 308 to the public name, never the origin's.
    if http_port:
        status, headers, _ = curl(f"http://{host}{path}?x=1", http_port)
        assert status == 308, (status, headers)
        assert headers["location"] == [public_origin + path + "?x=1"], headers
    # Deep-link files and health, as a CDN's checks and the phones ask for them.
    status, headers, body = curl(f"https://{host}/.well-known/apple-app-site-association",
                                 https_port)
    assert status == 200 and body == AASA, (status, body)
    assert headers["content-type"] == ["application/json"], headers
    assert curl(f"https://{host}/healthz", https_port)[0] == 200


def test_cloudfront_all_viewer_except_host_header():
    """CloudFront with the guide's settings: origin protocol HTTPS only, TLS 1.2 minimum,
    caching disabled, origin request policy AllViewerExceptHostHeader. CloudFront then sends the
    origin's own name as Host and SNI, appends the viewer to X-Forwarded-For, and adds its
    CloudFront-* headers; it sends no X-Forwarded-Host or X-Forwarded-Proto of its own."""
    with TempDir() as tmp:
        host = "links.cf.test"
        lt = Linktrack(tmp, host, "    aliases: [origin.example.net]\n"
                                  f"    public_url: https://{host}\n")
        argv, log, https_port, http_port = edge(tmp, host, f"""
    proxy_pass https://127.0.0.1:{lt.https};
    proxy_set_header Host origin.example.net;
    proxy_ssl_server_name on;
    proxy_ssl_name origin.example.net;
    proxy_ssl_protocols TLSv1.2 TLSv1.3;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header CloudFront-Forwarded-Proto $scheme;
    proxy_set_header CloudFront-Viewer-Address $remote_addr:$remote_port;
    proxy_set_header CloudFront-Is-Desktop-Viewer true;
    proxy_set_header Via "1.1 d111111abcdef8.cloudfront.net (CloudFront)";
    proxy_set_header X-Amz-Cf-Id "test-id";""")
        with lt.server(), Proxy(argv, https_port, log):
            check_through(lt, host, https_port, http_port, f"https://{host}")


def test_cloudflare_full_strict():
    """Cloudflare, proxied (orange cloud), SSL mode Full (strict): Host and SNI are the tracking
    name, the origin's certificate is verified for it; Cloudflare sets CF-Connecting-IP,
    X-Forwarded-For, X-Forwarded-Proto and CF-Visitor."""
    with TempDir() as tmp:
        host = "links.cflare.test"
        lt = Linktrack(tmp, host, f"    public_url: https://{host}\n")
        argv, log, https_port, http_port = edge(tmp, host, f"""
    proxy_pass https://127.0.0.1:{lt.https};
    proxy_set_header Host $host;
    proxy_ssl_server_name on;
    proxy_ssl_name $host;
    proxy_ssl_verify on;
    proxy_ssl_trusted_certificate {lt.cert[0]};
    proxy_set_header CF-Connecting-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header CF-Visitor '{{"scheme":"$scheme"}}';
    proxy_set_header CF-Ray 8a1b2c3d4e5f6789-AMS;
    proxy_set_header CF-IPCountry NL;""")
        with lt.server(), Proxy(argv, https_port, log):
            check_through(lt, host, https_port, http_port, f"https://{host}")


def test_nginx_in_front_terminating_tls():
    """nginx terminates TLS and proxies plain http to linktrack's http listener (a domain
    without tls in linktrack), as deploy/nginx.md configures it."""
    with TempDir() as tmp:
        host = "links.ng.test"
        lt = Linktrack(tmp, host, f"    public_url: https://{host}\n", tls=False)
        argv, log, https_port, http_port = edge(tmp, host, f"""
    proxy_pass http://127.0.0.1:{lt.http};
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;""")
        with lt.server(), Proxy(argv, https_port, log):
            check_through(lt, host, https_port, http_port, f"https://{host}")
            # Straight to linktrack from an untrusted address, the same headers are ignored:
            # plain http, so 308; and a click is logged with the sender's own address.
            status, headers, _ = curl(f"http://{host}/c/x", lt.http, "-H",
                                      "X-Forwarded-Proto: https")
            assert status == 308, (status, headers)


def test_rfc7239_forwarded_proxy():
    """A proxy that speaks only RFC 7239 (HAProxy's `option forwarded`, Envoy): one Forwarded
    element with for, proto and host, and its own name as Host."""
    with TempDir() as tmp:
        host = "links.fwd.test"
        lt = Linktrack(tmp, host, "    aliases: [origin.example.net]\n"
                                  f"    public_url: https://{host}\n", tls=False)
        argv, log, https_port, http_port = edge(tmp, host, f"""
    proxy_pass http://127.0.0.1:{lt.http};
    proxy_set_header Host origin.example.net;
    proxy_set_header Forwarded 'for="$remote_addr";proto=$scheme;host=$host';""")
        with lt.server(), Proxy(argv, https_port, log):
            check_through(lt, host, https_port, http_port, f"https://{host}")


def test_apache_in_front():
    """Apache with mod_ssl, mod_proxy and mod_headers, as deploy/apache.md configures it:
    ProxyPreserveHost On, the X-Forwarded-For it adds, X-Forwarded-Proto set by mod_headers."""
    apache = shutil.which("apache2") or "/usr/sbin/apache2"
    with TempDir() as tmp:
        host = "links.ap.test"
        lt = Linktrack(tmp, host, f"    public_url: https://{host}\n", tls=False)
        cert = make_cert(tmp, host)
        https_port = free_port()
        d = os.path.join(tmp, "apache")
        os.makedirs(d)
        mods = "/usr/lib/apache2/modules"
        conf = write(os.path.join(d, "httpd.conf"), f"""
ServerRoot {d}
DefaultRuntimeDir {d}
PidFile {d}/httpd.pid
ErrorLog {d}/error.log
LogLevel warn
Listen 127.0.0.1:{https_port}
LoadModule mpm_event_module {mods}/mod_mpm_event.so
LoadModule authz_core_module {mods}/mod_authz_core.so
LoadModule headers_module {mods}/mod_headers.so
LoadModule proxy_module {mods}/mod_proxy.so
LoadModule proxy_http_module {mods}/mod_proxy_http.so
LoadModule ssl_module {mods}/mod_ssl.so
User nobody
Group nogroup
ServerName {host}
<VirtualHost 127.0.0.1:{https_port}>
  ServerName {host}
  SSLEngine on
  SSLCertificateFile {cert[0]}
  SSLCertificateKeyFile {cert[1]}
  ProxyPreserveHost On
  ProxyAddHeaders On
  RequestHeader set X-Forwarded-Proto "https"
  ProxyPass / http://127.0.0.1:{lt.http}/
  ProxyPassReverse / http://127.0.0.1:{lt.http}/
</VirtualHost>
""")
        # Apache takes its source address from the route; the proxy's address is trusted.
        with open(lt.config) as f:
            text = f.read()
        write(lt.config, text.replace(f'trusted: ["{PROXY}"]', f'trusted: ["{PROXY}", "127.0.0.1"]'))
        with lt.server(), Proxy([apache, "-f", conf, "-DFOREGROUND"], https_port,
                                os.path.join(d, "error.log")):
            check_through(lt, host, https_port, None, f"https://{host}")


if __name__ == "__main__":
    main([test_cloudfront_all_viewer_except_host_header, test_cloudflare_full_strict,
          test_nginx_in_front_terminating_tls, test_rfc7239_forwarded_proxy,
          test_apache_in_front])
