"""unittest base class for end-to-end tests against a real systemd.

SystemdTestCase boots ONE FRESH CONTAINER PER TEST (setUp) from the cached
rootfs tarball: a boot costs ~1-2 s and per-test containers need no cleanup
logic between tests. self.container is a container.Container.

On any failure or error of a test (including setUp/tearDown and subtests) the
container's diagnostics (journal tail, failed units, nspawn log) are printed
to stderr before the container is powered off. With NYMVISOR_E2E_KEEP=1
(run_e2e.py --keep) a failed test's container is left running for debugging.

Environment:
  NYMVISOR_DEB          path of the nymvisor .deb for install_deb()
  NYMVISOR_E2E_ROOTFS   rootfs tarball (default: rootfs.ensure() builds/uses
                        build/e2e/rootfs-<hash>.tar)
  NYMVISOR_E2E_KEEP     "1" keeps containers of failed tests
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest
import uuid

import rootfs
from container import Container
from upstream import Upstream


def rootfs_tarball():
    """Return the rootfs tarball path: $NYMVISOR_E2E_ROOTFS or the default
    cache, (re)built by rootfs.ensure() if it is missing (e.g. build/ wiped)."""
    return rootfs.ensure(os.environ.get("NYMVISOR_E2E_ROOTFS") or None)


def build_deb(out_dir, package, files, depends=(), postinst=None, version="1.0"):
    """Build a minimal binary .deb with dpkg-deb; return its path.

    files: {guest_path: (content str|bytes, mode int)}. postinst: shell script
    body (a `#!/bin/sh\\nset -e` header is added). depends: package names.
    """
    root = tempfile.mkdtemp(prefix=package + "-", dir=out_dir)
    for path, (content, mode) in files.items():
        _write(os.path.join(root, path.lstrip("/")), content, mode)
    control = ("Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: e2e "
               "<e2e@localhost>\nDescription: e2e test package\n" % (package, version))
    if depends:
        control += "Depends: %s\n" % ", ".join(depends)
    _write(os.path.join(root, "DEBIAN/control"), control, 0o644)
    if postinst:
        _write(os.path.join(root, "DEBIAN/postinst"),
               "#!/bin/sh\nset -e\n" + postinst + "\n", 0o755)
    deb = os.path.join(out_dir, "%s_%s_all.deb" % (package, version))
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", root, deb],
                   check=True, capture_output=True, timeout=60)
    return deb


def _write(path, content, mode):
    """Write content to path (parents created) with mode."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content.encode() if isinstance(content, str) else content)
    os.chmod(path, mode)


class SystemdTestCase(unittest.TestCase):
    """Base class: self.container is a freshly booted systemd container.

    Class attributes subclasses may set:
      binds         [(host_path, guest_path, read_only)] passed to nspawn
                    (or override container_binds() to compute them per test)
      boot_timeout  seconds to reach running/degraded (default 90)
    """
    binds = ()
    boot_timeout = 90

    def setUp(self):
        """Boot the container; register diagnostics + poweroff cleanups."""
        super().setUp()
        self._problems_at_start = self._problem_count()
        self.container = Container(rootfs_tarball())
        self.addCleanup(self._close_container)
        self.addCleanup(self._diagnose_if_failed)  # runs before _close_container
        self.container.boot(self.machine_name(), binds=self.container_binds(),
                            timeout=self.boot_timeout)

    def container_binds(self):
        """Return the bind mounts for this test's container (default: binds)."""
        return list(self.binds)

    def machine_name(self):
        """Return a unique, valid machine name derived from the test name."""
        base = re.sub(r"[^A-Za-z0-9-]+", "-", self._testMethodName).strip("-")
        return "e2e-%s-%s" % (base[:40].rstrip("-"), uuid.uuid4().hex[:6])

    # ------------------------------------------------------- failure hooks
    def _problem_count(self):
        """Failures+errors recorded so far in this run's result (None: unknown)."""
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None or not hasattr(result, "failures"):
            return None
        return len(result.failures) + len(result.errors)

    def has_failed(self):
        """True if this test has failed or errored so far (True if unknown)."""
        now = self._problem_count()
        return now is None or self._problems_at_start is None or \
            now > self._problems_at_start

    def _diagnose_if_failed(self):
        """Print the container diagnostics loudly if this test failed."""
        if not self.has_failed():
            return
        bar = "#" * 78
        print("\n%s\n# E2E FAILURE in %s: container diagnostics follow\n%s"
              % (bar, self.id(), bar), file=sys.stderr, flush=True)
        self.container.dump_diagnostics(file=sys.stderr)
        self._write_digest()

    def _write_digest(self):
        """Append this failure's nymvisor journal lines to $NYMVISOR_E2E_DIGEST,
        which run_e2e.py prints last, where a truncated CI log still shows it."""
        path = os.environ.get("NYMVISOR_E2E_DIGEST")
        if not path or not self.container.running:
            return
        cp = self.container.run(["journalctl", "-b", "--no-pager", "-n", "40", "-o", "short",
                                 "-u", "nymvisor*", "-u", "nym*"], check=False, timeout=30)
        with open(path, "a") as out:
            out.write("----- %s: the last journal lines of its nymvisor and node units\n%s\n"
                      % (self.id(), (cp.stdout + cp.stderr).decode(errors="replace").rstrip()))

    def _close_container(self):
        """Power off and remove the tree, or keep it (NYMVISOR_E2E_KEEP=1)."""
        c = self.container
        if os.environ.get("NYMVISOR_E2E_KEEP") == "1" and self.has_failed():
            c.keep = True
            if c.running:
                print("e2e: KEPT container %s: enter with `nsenter -t %d -a bash`"
                      ", stop with `kill %d` (nspawn), then `rm -rf %s*`" % (
                          c.name, c.leader, c.proc.pid, c.tree), file=sys.stderr)
                return
            print("e2e: KEPT tree %s of stopped container %s" % (c.tree, c.name),
                  file=sys.stderr)
        c.close()

    # ------------------------------------------------------------ helpers
    def install_deb(self, path=None, timeout=300):
        """Copy a .deb into /tmp and `apt-get install -y` it; return the result.

        path defaults to $NYMVISOR_DEB; the test fails if neither is given.
        """
        path = path or os.environ.get("NYMVISOR_DEB")
        if not path:
            self.fail("NYMVISOR_DEB is not set: build the nymvisor .deb and pass "
                      "it with `run_e2e.py --deb PATH` or NYMVISOR_DEB=PATH")
        if not os.path.isfile(path):
            self.fail("expected a .deb file at %s, found none" % path)
        guest = self.container.copy_in(path, "/tmp/" + os.path.basename(path),
                                       mode=0o644)
        return self.container.run(
            ["apt-get", "install", "-y", "--no-install-recommends",
             "-o", "DPkg::Lock::Timeout=120", guest], timeout=timeout)

    def start_upstream(self, root=None, https=True):
        """Start an Upstream (stopped at cleanup) and return it."""
        up = Upstream(root, https=https).start()
        self.addCleanup(up.stop)
        return up

    def install_test_ca(self, upstream):
        """Trust upstream's test CA inside the container."""
        self.container.install_ca(upstream.ca_pem)
