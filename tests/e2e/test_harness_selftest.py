"""Self-test of the e2e harness; needs no nymvisor build.

UpstreamSelfTest checks the loopback server on the host (no container).
HarnessSelfTest boots real containers: installs a dummy .deb offline, drives
its unit, fetches over HTTPS with the test CA, reboots, powers off, and
checks that a failing test prints the container diagnostics.
"""

import contextlib
import email.utils
import http.client
import io
import os
import shutil
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from harness import SystemdTestCase, build_deb
from upstream import Upstream

DUMMY_UNIT = """\
[Unit]
Description=E2E dummy service

[Service]
Type=exec
ExecStart=/bin/sleep infinity

[Install]
WantedBy=multi-user.target
"""


def build_dummy_deb(out_dir):
    """Build e2e-dummy_1.0_all.deb (Depends: libcurl4) shipping the unit."""
    return build_deb(out_dir, "e2e-dummy",
                     {"/lib/systemd/system/e2e-dummy.service": (DUMMY_UNIT, 0o644)},
                     depends=["libcurl4"],
                     postinst="systemctl daemon-reload || true")


class UpstreamSelfTest(unittest.TestCase):
    """The upstream server's HTTP semantics, exercised from the host."""

    def setUp(self):
        self.up = Upstream().start()
        self.addCleanup(self.up.stop)
        self.up.put("/f.bin", b"0123456789", mtime=1_700_000_000)
        self.ctx = self.up.ca.client_context()

    def get(self, path, headers=None, https=False):
        """Return (status, headers, body) of a GET; HTTP errors are returned."""
        url = (self.up.https_url if https else self.up.http_url) + path
        req = urllib.request.Request(url, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10,
                                        context=self.ctx if https else None) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def test_conditional_requests_and_ranges(self):
        status, hdrs, body = self.get("/f.bin", https=True)
        self.assertEqual((status, body), (200, b"0123456789"))
        etag, lm = hdrs["ETag"], hdrs["Last-Modified"]
        self.assertEqual(lm, email.utils.formatdate(1_700_000_000, usegmt=True))
        self.assertEqual(self.get("/f.bin", {"If-None-Match": etag})[0], 304)
        self.assertEqual(self.get("/f.bin", {"If-None-Match": '"other"'})[0], 200)
        self.assertEqual(self.get("/f.bin", {"If-Modified-Since": lm})[0], 304)
        status, hdrs, body = self.get("/f.bin", {"Range": "bytes=2-4"})
        self.assertEqual((status, body, hdrs["Content-Range"]), (206, b"234", "bytes 2-4/10"))
        self.assertEqual(self.get("/f.bin", {"Range": "bytes=-3"})[2], b"789")
        self.assertEqual(self.get("/f.bin", {"Range": "bytes=20-"})[0], 416)
        self.assertEqual(self.get("/missing")[0], 404)
        self.assertEqual(self.get("/../etc/passwd")[0], 404)
        seen = [(r.scheme, r.status) for r in self.up.requests("/f.bin")]
        self.assertEqual(seen[:3], [("https", 200), ("http", 304), ("http", 200)])

    def test_overrides(self):
        self.up.override("/f.bin", status=503, times=2)
        self.assertEqual([self.get("/f.bin")[0] for _ in range(3)], [503, 503, 200])
        self.up.override("/f.bin", truncate=4)
        status, hdrs, body = self.get("/f.bin")
        self.assertEqual((status, hdrs["Content-Length"], body), (200, "4", b"0123"))
        self.up.override("/f.bin", delay=0.5, body=b"dynamic")
        start = time.monotonic()
        self.assertEqual(self.get("/f.bin")[2], b"dynamic")
        self.assertGreaterEqual(time.monotonic() - start, 0.5)
        self.up.override("/f.bin", close_after=3)
        with self.assertRaises(http.client.IncompleteRead) as cm:
            self.get("/f.bin")
        self.assertEqual(cm.exception.partial, b"012")
        self.up.clear_overrides()
        self.assertEqual(self.get("/f.bin")[2], b"0123456789")
        self.assertEqual(len(self.up.requests("/f.bin")), 7)


class HarnessSelfTest(SystemdTestCase):
    """The container harness against a real systemd."""

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="e2e-selftest-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def install_dummy(self):
        """Build and install the dummy package; assert dpkg has it."""
        self.install_deb(build_dummy_deb(self.tmp))
        status = self.container.out(["dpkg-query", "-W", "-f", "${Status}", "e2e-dummy"])
        self.assertEqual(status, "install ok installed")

    def test_dummy_deb_unit_lifecycle(self):
        c = self.container
        self.assertIn(c.system_state, ("running", "degraded"))
        self.assertEqual(c.out(["hostname"]), c.name)
        self.assertIn("127.0.0.1", c.out(["getent", "ahostsv4", "localhost"]))
        self.install_dummy()
        c.run(["systemctl", "start", "e2e-dummy.service"])
        props = c.wait_for_state("e2e-dummy.service", "active", sub_state="running")
        self.assertEqual(props["Result"], "success")
        main_pid = int(c.show("e2e-dummy.service", "MainPID")["MainPID"])
        self.assertGreater(main_pid, 0)
        self.assertEqual(c.out(["cat", "/proc/%d/comm" % main_pid]), "sleep")
        c.wait_for_journal(r"Started e2e-dummy\.service", unit="e2e-dummy.service")
        c.run(["systemctl", "stop", "e2e-dummy.service"])
        c.wait_for_state("e2e-dummy.service", "inactive", sub_state="dead")

    def test_https_fetch_with_test_ca(self):
        c = self.container
        up = self.start_upstream()
        up.put("/dl/hello.txt", "hello from upstream\n")
        url = up.https_url + "/dl/hello.txt"
        before = c.run(["curl", "-sS", "--max-time", "10", url], check=False)
        self.assertEqual(before.returncode, 60, "curl must reject the unknown CA "
                         "before install_test_ca: %r" % (before.stderr,))
        self.install_test_ca(up)
        got = c.out(["curl", "-sSf", "--max-time", "10", url])
        self.assertEqual(got, "hello from upstream")
        local = up.https_url.replace("127.0.0.1", "localhost") + "/dl/hello.txt"
        self.assertEqual(c.out(["curl", "-sSf", "--max-time", "10", local]), got)
        reqs = up.wait_for_request("/dl/hello.txt", count=2)
        self.assertEqual([(r.scheme, r.status) for r in reqs], [("https", 200)] * 2)
        self.assertTrue(reqs[0].headers["user-agent"].startswith("curl/"),
                        reqs[0].headers)

    def test_reboot_same_tree(self):
        c = self.container
        self.install_dummy()
        c.run(["systemctl", "enable", "--now", "e2e-dummy.service"])
        c.write_file("/var/lib/e2e-marker", "persist")
        c.write_file("/run/e2e-marker", "volatile")
        old_leader, old_boot = c.leader, c.out("journalctl --list-boots | wc -l")
        c.reboot_same_tree()
        self.assertTrue(c.running)
        self.assertNotEqual(c.leader, old_leader)
        self.assertIn(c.system_state, ("running", "degraded"))
        self.assertEqual(c.read_file("/var/lib/e2e-marker"), b"persist")
        self.assertFalse(os.path.exists(c.guest_path("/run/e2e-marker")),
                         "/run must be empty after a reboot")
        c.wait_for_state("e2e-dummy.service", "active", sub_state="running")
        boots = c.out("journalctl --list-boots | wc -l")
        self.assertEqual(int(boots), int(old_boot) + 1, "one more journal boot")
        self.assertIn("Started e2e-dummy", c.journal(extra_args=["-b", "-1"]))

    def test_guest_initiated_reboot(self):
        c = self.container
        c.write_file("/var/lib/e2e-marker", "persist")
        old_leader = c.leader
        c.reboot()
        self.assertNotEqual(c.leader, old_leader)
        self.assertEqual(c.boot_count, 2)
        self.assertEqual(c.read_file("/var/lib/e2e-marker"), b"persist")
        self.assertIn(c.system_state, ("running", "degraded"))

    def test_poweroff(self):
        c = self.container
        leader = c.leader
        self.assertEqual(c.poweroff(), 0, "nspawn exit code after poweroff")
        self.assertFalse(c.running)
        self.assertFalse(os.path.exists("/proc/%d" % leader), "leader still alive")
        self.assertEqual(c.poweroff(), 0, "second poweroff is a no-op")

    def test_failure_prints_diagnostics(self):
        class Failing(SystemdTestCase):
            def test_fails(self):
                self.container.run(["logger", "-t", "e2e", "marker-before-fail"])
                self.container.wait_for_journal("marker-before-fail")
                self.fail("deliberate failure")

        result, err = unittest.TestResult(), io.StringIO()
        with contextlib.redirect_stderr(err):
            Failing("test_fails").run(result)
        self.assertEqual((len(result.failures), len(result.errors)), (1, 0),
                         result.errors)
        text = err.getvalue()
        for needle in ("E2E FAILURE in", "----- journalctl -b", "marker-before-fail",
                       "----- systemctl --failed", "----- nspawn log"):
            self.assertIn(needle, text)


class BindMountSelfTest(SystemdTestCase):
    """container_binds(): a read-only and a read-write host directory."""

    def container_binds(self):
        self.share = tempfile.mkdtemp(prefix="e2e-bind-")
        self.addCleanup(shutil.rmtree, self.share, True)
        os.mkdir(os.path.join(self.share, "ro"))
        os.mkdir(os.path.join(self.share, "rw"))
        with open(os.path.join(self.share, "ro", "hello"), "w") as f:
            f.write("from host")
        return [(os.path.join(self.share, "ro"), "/mnt/ro", True),
                (os.path.join(self.share, "rw"), "/mnt/rw", False)]

    def test_binds(self):
        c = self.container
        self.assertEqual(c.out(["cat", "/mnt/ro/hello"]), "from host")
        denied = c.run(["touch", "/mnt/ro/x"], check=False)
        self.assertNotEqual(denied.returncode, 0, "read-only bind was writable")
        c.run(["sh", "-c", "echo from guest > /mnt/rw/out"])
        with open(os.path.join(self.share, "rw", "out")) as f:
            self.assertEqual(f.read(), "from guest\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
