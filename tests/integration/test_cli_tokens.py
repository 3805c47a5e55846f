"""sign, decode and rewrite through the real binary."""

import json
import os

from harness import SECRET_1, SECRET_2, TempDir, main, run, write

CONFIG = """listen: {{http: "127.0.0.1:1"}}
keys:
{keys}
domains:
  - host: links.a.test
    aliases: [click.a.test]
  - host: links.b.test
"""


def config(tmp, keys=((1, SECRET_1),)):
    body = "".join(f'  - {{id: {i}, secret: "{s}"}}\n' for i, s in keys)
    return write(os.path.join(tmp, "linktrack.yaml"), CONFIG.format(keys=body))


def test_sign_then_decode_round_trips_every_field():
    with TempDir() as tmp:
        c = config(tmp)
        url = run("sign", "-c", c, "--domain", "click.a.test", "--url", "https://shop.test/x?y=1",
                  "--campaign", "spring", "--template", "7", "--message",
                  "f47ac10b-58cc-4372-a567-0e02b2c3d479", "--recipient", "42", "--link", "hero",
                  "--expires", "30d", check=True).stdout.strip()
        assert url.startswith("http://click.a.test/c/"), url  # no TLS: http
        d = json.loads(run("decode", "-c", c, url, check=True).stdout)
        assert d["url"] == "https://shop.test/x?y=1" and d["host"] == "links.a.test"
        assert (d["campaign"], d["template"], d["message"], d["recipient"], d["link"]) == (
            "spring", "7", "f47ac10b-58cc-4372-a567-0e02b2c3d479", "42", "hero")
        assert d["expires_at"] - d["issued_at"] == 30 * 86400


def test_decode_names_each_reason():
    with TempDir() as tmp:
        c = config(tmp)
        url = run("sign", "-c", c, "--domain", "links.a.test", "--url", "https://shop.test/",
                  check=True).stdout.strip()
        token = url.rsplit("/", 1)[1]
        p = run("decode", "-c", c, "--domain", "links.b.test", token)
        assert p.returncode == 1 and "bad tag" in p.stderr
        p = run("decode", "-c", c, "--domain", "links.a.test", "%%%")
        assert p.returncode == 1 and "malformed" in p.stderr
        other = config(tmp, keys=((2, SECRET_2),))
        p = run("decode", "-c", other, url)
        assert p.returncode == 1 and "unknown key" in p.stderr
        expired = run("sign", "-c", c, "--domain", "links.a.test", "--url", "https://shop.test/",
                      "--expires", "0", check=True).stdout.strip()
        p = run("decode", "-c", c, expired)
        assert p.returncode == 1 and "expired" in p.stderr


def test_rotation_through_the_config():
    with TempDir() as tmp:
        old = run("sign", "-c", config(tmp), "--domain", "links.a.test", "--url",
                  "https://shop.test/", check=True).stdout.strip()
        rotated = config(tmp, keys=((2, SECRET_2), (1, SECRET_1)))
        assert json.loads(run("decode", "-c", rotated, old, check=True).stdout)["key_id"] == 1
        new = run("sign", "-c", rotated, "--domain", "links.a.test", "--url", "https://shop.test/",
                  check=True).stdout.strip()
        assert json.loads(run("decode", "-c", rotated, new, check=True).stdout)["key_id"] == 2


def test_sign_refuses_bad_destinations():
    with TempDir() as tmp:
        c = config(tmp)
        for bad in ("javascript:alert(1)", "ftp://x.test/", "/relative", "https://x.test/a b",
                    "https://x.test/\r\nX: y"):
            p = run("sign", "-c", c, "--domain", "links.a.test", "--url", bad)
            assert p.returncode == 1 and p.stdout == "" and "error:" in p.stderr, bad


def test_batch_keeps_order_and_marks_bad_lines():
    with TempDir() as tmp:
        c = config(tmp)
        lines = [{"url": f"https://shop.test/{i}", "recipient": i, "link": str(i)} for i in range(50)]
        lines[10] = {"url": "javascript:alert(1)"}
        stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
        p = run("sign", "-c", c, "--domain", "links.a.test", "--batch", input=stdin)
        assert p.returncode == 1 and "stdin:11:" in p.stderr
        out = p.stdout.split("\n")[:-1]
        assert len(out) == 50 and out[10] == ""
        for i in (0, 9, 11, 49):
            d = json.loads(run("decode", "-c", c, out[i], check=True).stdout)
            assert d["url"] == f"https://shop.test/{i}" and d["recipient"] == str(i)


def test_rewrite_tracks_links_and_reports():
    with TempDir() as tmp:
        c = config(tmp)
        html = ('<html><body><a href="https://shop.test/a?x=1&amp;y=2">A</a>'
                '<a href="mailto:x@y.test">M</a></body></html>')
        p = run("rewrite", "-c", c, "--domain", "links.a.test", "--campaign", "9", "--open-pixel",
                input=html, check=True)
        assert "rewrote 1 link(s), skipped 1; 1 mailto; added an open pixel" in p.stderr
        assert p.stdout.startswith('<html><body><a href="http://links.a.test/c/')
        assert '<a href="mailto:x@y.test">M</a><img src="http://links.a.test/o/' in p.stdout
        tracked = p.stdout.split('"')[1]
        d = json.loads(run("decode", "-c", c, tracked, check=True).stdout)
        assert d["url"] == "https://shop.test/a?x=1&y=2" and d["link"] == "1" and d["campaign"] == "9"


if __name__ == "__main__":
    main([test_sign_then_decode_round_trips_every_field, test_decode_names_each_reason,
          test_rotation_through_the_config, test_sign_refuses_bad_destinations,
          test_batch_keeps_order_and_marks_bad_lines, test_rewrite_tracks_links_and_reports])
