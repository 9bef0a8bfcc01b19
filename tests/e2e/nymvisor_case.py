"""NymvisorTestCase: a booted container with the nymvisor .deb installed.

Adds what every nymvisor scenario needs on top of SystemdTestCase: the fake
node binary ($NYMVISOR_FAKE_NODE, copied to /usr/local/bin/fake-node), a
`nym` system account, stamped node binaries, `nymvisor init`, unit property
helpers and a checksum of a directory tree.
"""

import os
import shlex

from harness import SystemdTestCase

FAKE_NODE = "/usr/local/bin/fake-node"
AGENT = "nymvisor@%s.service"
NODE = "nymvisor-daemon@%s.service"


class NymvisorTestCase(SystemdTestCase):
    """Each test gets a fresh container with nymvisor installed."""

    def setUp(self):
        super().setUp()
        fake = os.environ.get("NYMVISOR_FAKE_NODE")
        if not fake or not os.path.isfile(fake):
            self.fail("NYMVISOR_FAKE_NODE must name the fake-node binary (got %r)" % fake)
        self.container.copy_in(fake, FAKE_NODE, mode=0o755)
        self.install_deb()
        self.container.run(["useradd", "--system", "--user-group", "--home-dir",
                            "/var/lib/nym", "--create-home", "nym"])

    # -------------------------------------------------------------- nodes
    def stamp(self, path, **settings):
        """Write a fake node at guest `path` with baked-in settings; return path."""
        args = [FAKE_NODE, "stamp", path]
        for key, value in settings.items():
            args += ["--" + key, str(value)]
        self.container.run(["mkdir", "-p", os.path.dirname(path)])
        self.container.run(args)
        return path

    def init_instance(self, instance="mixnode", version="1.1.0", home=None, flags=(),
                      node=None):
        """Create an owned DAEMON_HOME and run `nymvisor init`; return the home."""
        home = home or "/var/lib/nym/%s" % instance
        node = node or self.stamp("/opt/dist/%s/nym-node" % version, version=version)
        self.container.sh("install -d -o nym -g nym -m 0700 %s" % shlex.quote(home))
        self.container.run(["nymvisor", "init", "--id", instance, "--daemon-home", home]
                           + list(flags) + [node, "--", "run", "--id", instance])
        return home

    # --------------------------------------------------------------- units
    def prop(self, unit, name):
        """One `systemctl show` property of a unit."""
        return self.container.show(unit, name)[name]

    def main_exe(self, unit):
        """The resolved executable of a unit's main process."""
        pid = self.prop(unit, "MainPID")
        self.assertNotEqual(pid, "0", "%s has no main process" % unit)
        return self.container.out(["readlink", "-f", "/proc/%s/exe" % pid])

    def main_user(self, unit):
        """The user name owning a unit's main process."""
        pid = self.prop(unit, "MainPID")
        return self.container.out(["ps", "-o", "user=", "-p", pid])

    def tree_digest(self, path):
        """sha256 over every file's path, mode, owner and content under path."""
        script = ("cd %s && find . \\( -type f -o -type l -o -type d \\) "
                  "-printf '%%p %%m %%u:%%g %%l\\n' | LC_ALL=C sort && "
                  "find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum"
                  % shlex.quote(path))
        return self.container.out("(%s) | sha256sum" % script)
