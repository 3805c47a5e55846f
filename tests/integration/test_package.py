"""Installing linktrack: `cmake --install` into a staging folder puts every file in its FHS
place, and the .deb that `cpack` builds installs with dpkg, has a unit that `systemd-analyze
verify` accepts, runs as its own user on ports 80 and 443 with only CAP_NET_BIND_SERVICE (as
the unit and the Containerfile run it), and removes cleanly. The .deb is installed on this machine for real, so
the test needs root and refuses to touch a linktrack package that was installed before it."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request

from harness import BINARY, SECRET_1, TempDir, main, make_cert, wait_for_port, write

BUILD = os.path.dirname(BINARY)


def sh(*args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)


def test_cmake_install_puts_files_in_fhs_places():
    with TempDir() as tmp:
        p = sh("cmake", "--install", BUILD, "--prefix", "/usr", env={**os.environ, "DESTDIR": tmp})
        assert p.returncode == 0, p.stdout + p.stderr
        for path in ("usr/bin/linktrack", "usr/lib/systemd/system/linktrack.service",
                     "usr/share/doc/linktrack/linktrack.example.yaml",
                     "usr/share/doc/linktrack/example/apple-app-site-association.json",
                     "usr/share/doc/linktrack/guides/cloudfront.md",
                     "usr/share/doc/linktrack/LICENSE", "usr/share/doc/linktrack/CHANGELOG.md",
                     "usr/share/linktrack/bots.yaml"):
            assert os.path.exists(os.path.join(tmp, path)), path
        with open(os.path.join(tmp, "usr/lib/systemd/system/linktrack.service")) as f:
            unit = f.read()
        assert "ExecStart=/usr/bin/linktrack serve -c /etc/linktrack/linktrack.yaml" in unit
        # The unit and the example config agree: the click log in the StateDirectory, secrets
        # from the EnvironmentFile.
        with open(os.path.join(tmp, "usr/share/doc/linktrack/linktrack.example.yaml")) as f:
            example = f.read()
        assert "StateDirectory=linktrack" in unit
        assert 'path: "/var/lib/linktrack/clicks.db"' in example
        assert "EnvironmentFile=-/etc/linktrack/linktrack.env" in unit
        assert "secret_env: LINKTRACK_TOKEN_KEY_1" in example
        # Another prefix: the unit names the binary there.
        other = os.path.join(tmp, "other")
        p = sh("cmake", "--install", BUILD, "--prefix", "/opt/lt", env={**os.environ, "DESTDIR": other})
        assert p.returncode == 0, p.stderr
        with open(os.path.join(other, "opt/lt/lib/systemd/system/linktrack.service")) as f:
            assert "ExecStart=/opt/lt/bin/linktrack serve" in f.read()


def test_deb_installs_verifies_runs_and_removes():
    if os.geteuid() != 0:
        raise AssertionError("installing the .deb needs root (CI runs as root)")
    if sh("dpkg-query", "-W", "-f=${Status}", "linktrack").stdout.startswith("install ok"):
        raise AssertionError("a linktrack package is installed on this machine: not touching it")
    with TempDir() as tmp:
        p = sh("cpack", "-G", "DEB", "-B", tmp, cwd=BUILD)
        assert p.returncode == 0, p.stdout + p.stderr
        debs = [f for f in os.listdir(tmp) if f.endswith(".deb")]
        assert len(debs) == 1, os.listdir(tmp)
        deb = os.path.join(tmp, debs[0])
        info = sh("dpkg-deb", "-f", deb, "Package", "Depends").stdout
        assert "Package: linktrack" in info, info
        for lib in ("libssl3", "libsqlite3-0", "libyaml-cpp", "adduser"):
            assert lib in info, info  # runtime dependencies declared
        try:
            p = sh("dpkg", "-i", deb)
            assert p.returncode == 0, p.stdout + p.stderr
            v = sh("/usr/bin/linktrack", "--version")
            assert v.returncode == 0 and v.stdout.strip(), v.stdout + v.stderr
            assert sh("getent", "passwd", "linktrack").returncode == 0  # the service's user
            assert os.path.isdir("/etc/linktrack")
            if shutil.which("systemd-analyze"):
                verify = sh("systemd-analyze", "verify", "/usr/lib/systemd/system/linktrack.service")
                assert verify.returncode == 0 and not verify.stderr.strip() \
                    and not verify.stdout.strip(), verify.stdout + verify.stderr
            else:
                raise AssertionError("systemd-analyze is missing (package systemd)")
            serves_as_its_user_on_80_and_443(tmp)
        finally:
            r = sh("dpkg", "-r", "linktrack")
        assert r.returncode == 0, r.stdout + r.stderr
        assert not os.path.exists("/usr/bin/linktrack")
        assert not os.path.exists("/usr/lib/systemd/system/linktrack.service")


def serves_as_its_user_on_80_and_443(tmp):
    """The installed binary run as the package's user, as the Containerfile runs it: ports 80
    and 443 with the CAP_NET_BIND_SERVICE file capability alone, and refused without it."""
    address = "127.0.0.66"
    os.chmod(tmp, 0o755)
    cert, key = make_cert(tmp, "links.pkg.test")
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    shutil.chown(data, "linktrack", "linktrack")
    shutil.chown(key, "linktrack", "linktrack")
    config = write(os.path.join(tmp, "pkg.yaml"), f"""
listen:
  https: "{address}:443"
  http: "{address}:80"
threads: 1
keys: [{{id: 1, secret: "{SECRET_1}"}}]
store: {{path: {data}/clicks.db}}
domains:
  - host: links.pkg.test
    tls: {{cert: {cert}, key: {key}}}
""")
    as_user = ["setpriv", "--reuid=linktrack", "--regid=linktrack", "--init-groups",
               "/usr/bin/linktrack", "serve", "-c", config]
    # Without the capability, an unprivileged user cannot bind port 443: refused, named.
    p = sh(*as_user)
    assert p.returncode != 0 and f"{address}:443" in p.stdout + p.stderr, p.stdout + p.stderr
    assert sh("setcap", "cap_net_bind_service=+ep", "/usr/bin/linktrack").returncode == 0
    proc = subprocess.Popen(as_user, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(80, host=address)
        with urllib.request.urlopen(urllib.request.Request(
                f"http://{address}/healthz", headers={"Host": "links.pkg.test"}), timeout=5) as r:
            assert r.status == 200
        with open(f"/proc/{proc.pid}/status") as f:
            uid = next(line for line in f if line.startswith("Uid:")).split()[1]
        assert int(uid) == int(sh("id", "-u", "linktrack").stdout), uid
        time.sleep(0.2)
        assert os.path.exists(os.path.join(data, "clicks.db"))  # the log, written as the user
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out


if __name__ == "__main__":
    if os.environ.get("LINKTRACK_SANITIZED"):
        # Packaging is the same in every build; the sanitizer run is for memory errors.
        print("0 passed, 0 failed (packaging is tested in the Release build)")
        sys.exit(0)
    main([test_cmake_install_puts_files_in_fhs_places, test_deb_installs_verifies_runs_and_removes])
