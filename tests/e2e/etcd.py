"""A real etcd (Debian's etcd-server) on loopback for the fleet e2e tests.

Etcd().start() runs /usr/bin/etcd on 127.0.0.1 with two free ports (client,
peer) and a temporary data directory; stop() ends it by its PID (SIGTERM,
then SIGKILL) and start() again brings it back on the same ports and data, so
agents configured with `url` reconnect to the same cluster (an outage, not a
new etcd). close() stops it and removes the data. The containers share the
host's network namespace, so agents inside them reach `url` as is.

get_prefix() reads keys with etcdctl (the v3 API) for assertions.
"""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ETCD = shutil.which("etcd") or "/usr/bin/etcd"
ETCDCTL = shutil.which("etcdctl") or "/usr/bin/etcdctl"


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Etcd:
    """One single-member etcd on loopback; see the module docstring."""

    def __init__(self):
        if not os.path.isfile(ETCD):
            raise RuntimeError("etcd is not installed: apt-get install etcd-server etcd-client "
                               "(scripts/install-deps.sh)")
        self.dir = tempfile.mkdtemp(prefix="nymvisor-e2e-etcd-")
        self.client_port, self.peer_port = free_port(), free_port()
        self.url = "http://127.0.0.1:%d" % self.client_port
        self.proc = None
        self.log = None

    def start(self, timeout=30):
        """Start etcd (again) and wait until it answers on its client port."""
        peer = "http://127.0.0.1:%d" % self.peer_port
        self.log = open(os.path.join(self.dir, "etcd.log"), "ab")
        self.proc = subprocess.Popen(
            [ETCD, "--name=default", "--data-dir=" + os.path.join(self.dir, "data"),
             "--listen-client-urls=" + self.url, "--advertise-client-urls=" + self.url,
             "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
             "--initial-cluster=default=" + peer],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("etcd exited with %s at start\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            if self.healthy():
                return self
            time.sleep(0.2)
        raise RuntimeError("etcd did not answer on %s within %ss\n%s"
                           % (self.url, timeout, self.log_tail()))

    def healthy(self):
        """True if etcd's /health answers {"health":"true"}."""
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                return json.loads(r.read()).get("health") == "true"
        except (OSError, ValueError):
            return False

    def stop(self, timeout=20):
        """End etcd by its PID: SIGTERM, SIGKILL after `timeout` seconds."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=timeout)
        self.log.close()

    def close(self):
        """Stop etcd and remove its data directory."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, limit=4000):
        """The last characters of etcd's log."""
        try:
            with open(os.path.join(self.dir, "etcd.log"), "rb") as f:
                return f.read()[-limit:].decode(errors="replace")
        except OSError:
            return ""

    def ctl(self, *args):
        """Run etcdctl against this etcd; return its stdout text."""
        cp = subprocess.run([ETCDCTL, "--endpoints=" + self.url] + list(args),
                            env=dict(os.environ, ETCDCTL_API="3"),
                            capture_output=True, timeout=30, check=True)
        return cp.stdout.decode()

    def get_prefix(self, prefix):
        """{key: value} of every key under prefix (values as text)."""
        out = json.loads(self.ctl("get", "--prefix", prefix, "-w", "json"))
        return {base64.b64decode(kv["key"]).decode(): base64.b64decode(kv["value"]).decode()
                for kv in out.get("kvs", [])}
