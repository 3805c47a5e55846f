"""A ClickHouse server of its own for a test: Debian's clickhouse-server on loopback, with its
own data directory and free ports, stopped (or killed) and started again on the same data."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import free_port, write

CONFIG = """<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{dir}/server.log</log><errorlog>{dir}/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>{http}</http_port>
  <tcp_port>{tcp}</tcp_port>
  <path>{dir}/data/</path>
  <tmp_path>{dir}/tmp/</tmp_path>
  <user_files_path>{dir}/user_files/</user_files_path>
  <format_schema_path>{dir}/format_schemas/</format_schema_path>
  <users_config>{dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
"""

USERS = """<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
"""


class ClickHouse:
    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="linktrack-ch-")
        self.http, self.tcp = free_port(), free_port()
        write(os.path.join(self.dir, "config.xml"),
              CONFIG.format(dir=self.dir, http=self.http, tcp=self.tcp))
        write(os.path.join(self.dir, "users.xml"), USERS)
        self.proc = None
        self.start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http}"

    def start(self):
        binary = shutil.which("clickhouse-server") or "/usr/sbin/clickhouse-server"
        self.log = open(os.path.join(self.dir, "stdout"), "a")
        self.proc = subprocess.Popen(
            [binary, f"--config-file={self.dir}/config.xml"], stdout=self.log,
            stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if self.query("SELECT 1").strip() == "1":
                    return
            except (OSError, urllib.error.URLError):
                pass
            assert self.proc.poll() is None, "clickhouse-server exited:\n" + self.errors()
            time.sleep(0.2)
        raise AssertionError("clickhouse-server did not answer:\n" + self.errors())

    def kill(self):
        """Gone at once, as a crashed or unplugged server is."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def errors(self):
        out = ""
        for name in ("stdout", "error.log"):
            try:
                with open(os.path.join(self.dir, name)) as f:
                    out += f.read()[-3000:]
            except OSError:
                pass
        return out

    def query(self, sql):
        with urllib.request.urlopen(self.url + "/", sql.encode(), timeout=30) as r:
            return r.read().decode()

    def wait_for_mutations(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.query("SELECT count() FROM system.mutations WHERE is_done = 0").strip() == "0":
                return
            time.sleep(0.1)
        raise AssertionError("ClickHouse mutations still running")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
