"""check-config and keys generate, through the real binary."""

import base64
import os
import shutil

from harness import REPO, SECRET_1, TempDir, main, make_cert, run, write


def example_copy(tmp):
    """config/linktrack.example.yaml with its files present, in a scratch folder."""
    shutil.copytree(os.path.join(REPO, "config"), os.path.join(tmp, "config"))
    certs = os.path.join(tmp, "config", "certs")
    os.makedirs(certs)
    make_cert(certs, "links.example.com", "click.example.com")
    return os.path.join(tmp, "config", "linktrack.example.yaml")


def test_example_config_is_ok():
    with TempDir() as tmp:
        path = example_copy(tmp)
        p = run("check-config", "-c", path, env={"LINKTRACK_TOKEN_KEY_1": SECRET_1})
        assert p.returncode == 0, p.stderr
        assert p.stdout == "ok\n", p.stdout


def test_example_config_without_its_key_names_the_key():
    with TempDir() as tmp:
        path = example_copy(tmp)
        os.environ.pop("LINKTRACK_TOKEN_KEY_1", None)
        p = run("check-config", "-c", path)
        assert p.returncode == 1
        assert "linktrack.example.yaml:" in p.stderr
        assert "keys[0].secret_env: environment variable LINKTRACK_TOKEN_KEY_1 is not set" in p.stderr


BASE = """listen:
  https: "127.0.0.1:8443"
keys:
  - id: 1
    secret: "%s"
domains:
  - host: links.example.com
""" % SECRET_1

# Each case: the YAML, and the FILE-relative "LINE:COL: KEY: message" fragment expected.
CASES = {
    "unknown key": (BASE + "    fallbak_url: https://x.example/\n",
                    "8:5: domains[0].fallbak_url: unknown key (did you mean 'fallback_url'?)"),
    "wrong type": (BASE.replace("id: 1", "id: first"), "4:9: keys[0].id: expected a whole number"),
    "missing required": (BASE.replace("  - host: links.example.com\n", "  - aliases: [a.example.com]\n"),
                         "7:5: domains[0].host: required key is missing"),
    "bad listen": (BASE.replace("127.0.0.1:8443", "127.0.0.1:http"),
                   "2:10: listen.https: bad listen address '127.0.0.1:http'"),
    "bad CIDR": (BASE + "proxies:\n  trusted: [\"10.0.0.0/40\"]\n",
                 "9:13: proxies.trusted[0]: '10.0.0.0/40' is not an address or CIDR range"),
    "duplicate host": (BASE + "  - host: other.example.com\n    aliases: [links.example.com]\n",
                       "9:15: domains[1].aliases[0]: duplicate host links.example.com"),
    "unreadable certificate": (BASE + "    tls: { cert: nope.crt, key: nope.key }\n",
                               "8:18: domains[0].tls.cert: cannot read certificate file"),
    "unreadable JSON file": (BASE + "    assetlinks: missing.json\n",
                             "8:17: domains[0].assetlinks: cannot read file"),
    "invalid JSON": (BASE + "    assetlinks: bad.json\n", "8:17: domains[0].assetlinks: invalid JSON"),
    "key of the wrong length": (BASE.replace(SECRET_1, base64.b64encode(b"x" * 16).decode()),
                                "5:13: keys[0].secret: the secret must be 32 bytes"),
    "duplicate key id": (BASE.replace("keys:\n", "keys:\n  - id: 1\n    secret: \"%s\"\n" % SECRET_1),
                         "6:9: keys[1].id: duplicate key id 1"),
}


def test_each_error_kind_names_file_line_column_and_key():
    with TempDir() as tmp:
        write(os.path.join(tmp, "bad.json"), "{\"a\": ")
        for name, (yaml, expected) in CASES.items():
            path = write(os.path.join(tmp, "linktrack.yaml"), yaml)
            p = run("check-config", "-c", path)
            assert p.returncode == 1, f"{name}: exit {p.returncode}"
            assert f"{path}:{expected}" in p.stderr, f"{name}: expected {expected!r} in:\n{p.stderr}"
            assert SECRET_1 not in p.stderr + p.stdout, f"{name}: the secret was printed"


def test_all_errors_are_printed_at_once():
    with TempDir() as tmp:
        yaml = BASE.replace("127.0.0.1:8443", "nowhere") + "    colour: blue\n    assetlinks: x.json\n"
        path = write(os.path.join(tmp, "linktrack.yaml"), yaml)
        p = run("check-config", "-c", path)
        assert p.returncode == 1
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 3, lines
        assert all(line.startswith(path + ":") for line in lines), lines


def test_keys_generate_prints_distinct_valid_secrets():
    a = run("keys", "generate", check=True).stdout.strip()
    b = run("keys", "generate", check=True).stdout.strip()
    assert a != b
    for s in (a, b):
        assert len(base64.b64decode(s, validate=True)) == 32


def test_every_command_has_help():
    for cmd in ("serve", "check-config", "keys", "sign", "decode", "rewrite", "stats", "migrate",
                "forget"):
        p = run(cmd, "--help")
        assert p.returncode == 0, (cmd, p.stderr)
        assert "Usage" in p.stdout, (cmd, p.stdout)


def test_tools_need_only_keys_domains_and_store():
    """A sender's or analyst's config: no listeners, a domain whose certificate files and
    deep-link file are elsewhere. The tools work with it; serve and check-config refuse it."""
    with TempDir() as tmp:
        path = write(os.path.join(tmp, "sender.yaml"), f"""keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: clicks.db}}
domains:
  - host: links.example.com
    tls: {{cert: /nonexistent/links.crt, key: /nonexistent/links.key}}
    apple_app_site_association: /nonexistent/aasa.json
""")
        url = run("sign", "-c", path, "--domain", "links.example.com", "--url",
                  "https://shop.example/", check=True).stdout.strip()
        assert url.startswith("https://links.example.com/c/"), url
        run("decode", "-c", path, url, check=True)
        run("rewrite", "-c", path, "--domain", "links.example.com",
            input='<a href="https://shop.example/">x</a>', check=True)
        run("migrate", "-c", path, check=True)
        for args in (["stats"], ["export"], ["rescore"], ["forget", "--recipient", "1"]):
            run(*args, "-c", path, check=True)
        refused = run("check-config", "-c", path)
        assert refused.returncode == 1, refused.stdout
        assert "listen: at least one https or http address is needed to serve" in refused.stderr
        assert "cannot read certificate file /nonexistent/links.crt" in refused.stderr, refused.stderr
        assert run("serve", "-c", path).returncode != 0


if __name__ == "__main__":
    main([test_example_config_is_ok, test_example_config_without_its_key_names_the_key,
          test_tools_need_only_keys_domains_and_store,
          test_each_error_kind_names_file_line_column_and_key, test_all_errors_are_printed_at_once,
          test_keys_generate_prints_distinct_valid_secrets, test_every_command_has_help])
