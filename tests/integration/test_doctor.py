"""`linktrack doctor` against set-ups on loopback addresses of their own, on the real ports 443
and 80 (a client checks what is served there): a healthy one passes every check and exits 0;
broken ones fail exactly the checks they break, with a fix each, and exit 1. The registrable
domain doc.test is an nginx sending HSTS with includeSubDomains."""

import json
import os

from harness import SECRET_1, Server, TempDir, free_port, main, make_cert, run, write
from test_proxies import AASA, Proxy, nginx

HEALTHY, BROKEN_TLS, BROKEN_HTTP, PARENT, CDN = ("127.0.0.61", "127.0.0.63", "127.0.0.64",
                                                  "127.0.0.62", "127.0.0.65")
PROXY = "127.0.0.2"
ASSET = '[{"relation": ["delegate_permission/common.handle_all_urls"]}]\n'


def lines_of(out, host):
    """The check lines of one host's block in the table."""
    block = out.split(host + " (", 1)[1].split("\n\n", 1)[0]
    return block.splitlines()[1:]


def check_line(out, host, name):
    for line in lines_of(out, host):
        if line.strip()[2:].startswith(name + " "):
            return line.strip()
    raise AssertionError(f"no {name} line for {host}:\n{out}")


def fix_after(out, host, name):
    block = lines_of(out, host)
    for i, line in enumerate(block):
        if line.strip()[2:].startswith(name + " "):
            return block[i + 1].strip() if i + 1 < len(block) else ""
    return ""


class Setups:
    def __init__(self, tmp):
        self.tmp = tmp
        write(os.path.join(tmp, "aasa.json"), AASA)
        write(os.path.join(tmp, "assetlinks.json"), ASSET)
        self.cert = make_cert(tmp, "links.doc.test", "via.doc.test", "edge.doc.test")
        self.wrong = make_cert(tmp, "wrong.doc.test")
        self.parent = make_cert(tmp, "doc.test")
        self.edge = make_cert(tmp, "edge-cdn.doc.test", "edge.doc.test", "via.doc.test")
        self.ca = os.path.join(tmp, "ca.pem")
        with open(self.ca, "w") as out:
            for pem in (self.cert[0], self.wrong[0], self.parent[0], self.edge[0]):
                with open(pem) as f:
                    out.write(f.read())
        # Servers are waited for on their admin ports (127.0.0.1).
        self.healthy_admin, self.broken_admin = free_port(), free_port()
        self.healthy = write(os.path.join(tmp, "healthy.yaml"), f"""
listen:
  https: "{HEALTHY}:443"
  http: "{HEALTHY}:80"
  admin: "127.0.0.1:{self.healthy_admin}"
threads: 1
keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: healthy.db}}
proxies: {{trusted: ["{PROXY}"]}}
domains:
  - host: links.doc.test
    aliases: [edge.doc.test]
    tls: {{cert: {self.cert[0]}, key: {self.cert[1]}}}
    apple_app_site_association: aasa.json
    assetlinks: assetlinks.json
    hsts: {{max_age: 180d}}
  - host: via.doc.test
    tls: {{cert: {self.cert[0]}, key: {self.cert[1]}}}
""")
        self.broken = write(os.path.join(tmp, "broken.yaml"), f"""
listen:
  https: "{BROKEN_TLS}:443"
  http: "{BROKEN_HTTP}:80"
  admin: "127.0.0.1:{self.broken_admin}"
threads: 1
keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: broken.db}}
domains:
  - host: secure.doc.test
    tls: {{cert: {self.wrong[0]}, key: {self.wrong[1]}}}
  - host: plain.doc.test
    apple_app_site_association: aasa.json
""")

    def parent_and_cdn(self):
        """doc.test with HSTS includeSubDomains, and a CDN in front of the healthy server:
        edge.doc.test sends the origin's own name (not an alias) as Host; via.doc.test sends
        the Host and the scheme but no X-Forwarded-For, from a trusted address."""
        origin = f"https://{HEALTHY}:443"
        return nginx(self.tmp, f"""
  server {{
    listen {PARENT}:443 ssl;
    ssl_certificate {self.parent[0]};
    ssl_certificate_key {self.parent[1]};
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    location / {{ return 200 "home\\n"; }}
  }}
  server {{
    listen {CDN}:443 ssl;
    server_name edge.doc.test;
    ssl_certificate {self.edge[0]};
    ssl_certificate_key {self.edge[1]};
    location / {{
      proxy_pass {origin};
      proxy_ssl_server_name on;
      proxy_ssl_name links.doc.test;
      proxy_set_header Host origin.doc.test;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header CloudFront-Forwarded-Proto https;
    }}
  }}
  server {{
    listen {CDN}:443 ssl;
    server_name via.doc.test;
    ssl_certificate {self.edge[0]};
    ssl_certificate_key {self.edge[1]};
    location / {{
      proxy_pass {origin};
      proxy_ssl_server_name on;
      proxy_ssl_name via.doc.test;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto https;
    }}
  }}""")

    def doctor(self, config, *args):
        """doctor on `config`; an argument HOST:ADDRESS is a --resolve that replaces the
        default one for HOST."""
        resolve = {"links.doc.test": HEALTHY, "via.doc.test": HEALTHY, "doc.test": PARENT,
                   "secure.doc.test": BROKEN_TLS, "plain.doc.test": BROKEN_HTTP}
        rest = []
        for a in args:
            if ":" in a and not a.startswith("-"):
                host, address = a.split(":", 1)
                resolve[host] = address
            else:
                rest.append(a)
        flags = [f for host, address in resolve.items() for f in ("--resolve", f"{host}:{address}")]
        return run("doctor", "-c", config, "--ca-file", self.ca, *flags, *rest, timeout=120)


def test_doctor_passes_a_healthy_setup():
    with TempDir() as tmp:
        s = Setups(tmp)
        argv, log = s.parent_and_cdn()
        with Server(s.healthy, s.healthy_admin), Proxy(argv, 443, log, PARENT):
            p = s.doctor(s.healthy, "--target", HEALTHY)
            assert p.returncode == 0, p.stdout + p.stderr
            out = p.stdout
            assert out.rstrip().endswith("every check passed"), out
            for host in ("links.doc.test", "via.doc.test"):
                for name in ("DNS", "certificate", "HSTS", "http to https", "/healthz", "Host",
                             "client address"):
                    assert check_line(out, host, name).startswith("✓"), (host, name, out)
            assert check_line(out, "links.doc.test", "apple-app-site-association").startswith("✓")
            assert check_line(out, "links.doc.test", "assetlinks.json").startswith("✓")
            assert "1 applinks" in check_line(out, "links.doc.test", "apple-app-site-association")
            assert "includeSubDomains" in check_line(out, "links.doc.test", "HSTS")
            assert "308 to https://links.doc.test/" in check_line(out, "links.doc.test",
                                                                   "http to https")
            assert "expires" in check_line(out, "links.doc.test", "certificate")
            assert check_line(out, "via.doc.test", "apple-app-site-association").startswith("-")
            # One name, as JSON.
            p = s.doctor(s.healthy, "links.doc.test", "--format", "json")
            assert p.returncode == 0, p.stdout + p.stderr
            report = json.loads(p.stdout)
            assert [r["host"] for r in report] == ["links.doc.test"]
            assert {c["outcome"] for c in report[0]["checks"]} == {"pass"}
            # A name that is not configured is refused.
            p = s.doctor(s.healthy, "nope.doc.test")
            assert p.returncode == 2 and "none of the config's domains" in p.stderr


def test_doctor_names_what_is_broken_and_how_to_fix_it():
    with TempDir() as tmp:
        s = Setups(tmp)
        argv, log = s.parent_and_cdn()
        with Server(s.broken, s.broken_admin), Proxy(argv, 443, log, PARENT):
            p = s.doctor(s.broken, "--target", HEALTHY)
            out = p.stdout
            assert p.returncode == 1, out + p.stderr
            # Pointing elsewhere than --target.
            assert check_line(out, "secure.doc.test", "DNS").startswith("✗"), out
            assert f"secure.doc.test. A {HEALTHY}" in fix_after(out, "secure.doc.test", "DNS")
            # A certificate for another name.
            cert = check_line(out, "secure.doc.test", "certificate")
            assert cert.startswith("✗") and "not trusted" in cert and "wrong.doc.test" in cert, out
            assert "fullchain" in fix_after(out, "secure.doc.test", "certificate")
            # Nothing on port 80.
            assert check_line(out, "secure.doc.test", "http to https").startswith("✗")
            assert "listen.http" in fix_after(out, "secure.doc.test", "http to https")
            # A plain-http tracking domain under an HSTS includeSubDomains parent.
            hsts = check_line(out, "plain.doc.test", "HSTS")
            assert hsts.startswith("✗") and "Customer.io" in hsts, out
            assert "public_url" in fix_after(out, "plain.doc.test", "HSTS")
            aasa = check_line(out, "plain.doc.test", "apple-app-site-association")
            assert aasa.startswith("✗") and "http only" in aasa, out
            assert check_line(out, "plain.doc.test", "/healthz").startswith("✓")
            assert out.rstrip().endswith("check(s) failed"), out
        # Behind the CDN: the Host that does not arrive, and the proxy's own address.
        with Server(s.healthy, s.healthy_admin), Proxy(argv, 443, log, PARENT):
            p = s.doctor(s.healthy, "edge.doc.test", f"edge.doc.test:{CDN}")
            assert p.returncode == 1, p.stdout + p.stderr
            host = check_line(p.stdout, "edge.doc.test", "Host")
            assert host.startswith("✗") and "origin.doc.test" in host and "421" in host, p.stdout
            assert "aliases" in fix_after(p.stdout, "edge.doc.test", "Host")
            p = s.doctor(s.healthy, "via.doc.test", f"via.doc.test:{CDN}")
            assert p.returncode == 1, p.stdout + p.stderr
            assert check_line(p.stdout, "via.doc.test", "Host").startswith("✓"), p.stdout
            address = check_line(p.stdout, "via.doc.test", "client address")
            assert address.startswith("✗") and PROXY in address, p.stdout
            assert "X-Forwarded-For" in fix_after(p.stdout, "via.doc.test", "client address")


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("FAIL: the doctor tests bind ports 443 and 80 on loopback addresses: run as root")
        print("0 passed, 1 failed")
        raise SystemExit(1)
    main([test_doctor_passes_a_healthy_setup, test_doctor_names_what_is_broken_and_how_to_fix_it])
