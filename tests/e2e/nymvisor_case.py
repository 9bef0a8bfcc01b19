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
        flags = list(flags)
        if "--upstream-base-upgrade-url" not in flags:  # tests only ever talk to loopback
            flags += ["--upstream-base-upgrade-url", "http://127.0.0.1:9/"]
        self.container.run(["nymvisor", "init", "--id", instance, "--daemon-home", home]
                           + flags + [node, "--", "run", "--id", instance])
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


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def message_ids():
    """{name: id} of the agent's MESSAGE_IDs, read from agent/base/message_ids.h."""
    import re
    with open(os.path.join(REPO, "agent", "base", "message_ids.h")) as f:
        text = f.read()
    return dict(re.findall(r'k(\w+) = "([0-9a-f]{32})"', text))


class UpgradeTestCase(NymvisorTestCase):
    """Adds a loopback upstream and helpers to publish upgrades on it."""

    health_period = "6s"
    polling_rate = "2s"
    prefer_https = False  # publish download URLs on the upstream's HTTPS port

    def setUp(self):
        super().setUp()
        self.ids = message_ids()
        self.upstream = self.start_upstream(https=False)
        self.home = "/var/lib/nym/mixnode"

    def start_instance(self, flags=(), env=""):
        """init against the upstream, seed some node data, enable the units."""
        c = self.container
        self.init_instance(flags=["--upstream-base-upgrade-url", self.upstream.http_url + "/",
                                  "--upstream-polling-rate", self.polling_rate,
                                  "--health-check-period", self.health_period] + list(flags))
        c.sh("install -d -o nym -g nym %s/data %s/config && echo 'id = 1' > %s/config/node.toml "
             "&& echo rows > %s/data/state.db && chown -R nym:nym %s/data %s/config"
             % ((self.home,) * 6))
        if env:
            c.write_file("/etc/nymvisor/mixnode.env", env)
            c.run(["systemctl", "daemon-reload"])
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        c.wait_for_journal(r"nymvisor agent started", unit=AGENT % "mixnode")

    def assert_consistent_on(self, name, version):
        """No upgrade in flight, the node active on `name`, and the records,
        the current link and the plan agreeing on it."""
        c = self.container
        c.wait_for(self.state_step, 90, "the upgrade to finish", until=lambda s: s is None)
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         "%s/nymvisor/%s/bin/nym-node" % (
                             self.home, "genesis" if name == "genesis" else "upgrades/" + name))
        current = self.read_json(self.home + "/nymvisor/current-version.json")
        self.assertEqual((current["name"], current["version"]), (name, version))
        link = c.out(["readlink", self.home + "/nymvisor/current"])
        self.assertTrue(link.endswith(name), link)
        plan = self.read_json(self.home + "/nymvisor/upgrade-plan.json")
        self.assertEqual(plan["current"]["name"], name)

    def stamp_on_host(self, **settings):
        """Bytes of a fake node stamped with settings (built on the host)."""
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "nym-node")
            args = [os.environ["NYMVISOR_FAKE_NODE"], "stamp", out]
            for key, value in settings.items():
                args += ["--" + key, str(value)]
            subprocess.run(args, check=True)
            with open(out, "rb") as f:
                return f.read()

    def publish(self, name, version, in_seconds, checksum=None, binary=None, **settings):
        """Put a node binary and its upgrade-info.json on the upstream."""
        import datetime
        import hashlib
        import json
        binary = binary or self.stamp_on_host(version=version, **settings)
        base = self.upstream.https_url if self.prefer_https else self.upstream.http_url
        self.upstream.put("/bin/%s/nym-node" % name, binary)
        when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=in_seconds)
        info = {"manual": False, "name": name, "notes": "e2e", "publishDate": None,
                "version": version,
                "platforms": {"linux-x86_64": {
                    "checksum": checksum or hashlib.sha256(binary).hexdigest(),
                    "checksumAlgorithm": "sha256",
                    "url": "%s/bin/%s/nym-node" % (base, name)}},
                "upgradeTime": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "binaryDetails": None}
        self.upstream.put("/nym-node/upgrade-info.json", json.dumps(info))
        return when

    # ----------------------------------------------------------- journal
    def agent_events(self):
        """[(MESSAGE_ID name, realtime usec, fields)] of the agent's catalogued events."""
        import json
        names = {v: k for k, v in self.ids.items()}
        out = self.container.out(["journalctl", "-u", AGENT % "mixnode", "-o", "json",
                                  "--no-pager"])
        events = []
        for line in out.splitlines():
            entry = json.loads(line)
            if entry.get("MESSAGE_ID") in names:
                events.append((names[entry["MESSAGE_ID"]],
                               int(entry["__REALTIME_TIMESTAMP"]), entry))
        return events

    def wait_for_event(self, name, timeout=60):
        """Wait for a catalogued event; return its journal entry."""
        found = self.container.wait_for(
            lambda: [e for e in self.agent_events() if e[0] == name], timeout,
            "the agent to log %s" % name)
        return found[0][2]

    def state_step(self):
        """The step in upgrade-state.json, or None when no upgrade is in flight."""
        import json
        try:
            raw = self.container.read_file(self.home + "/nymvisor/upgrade-state.json")
        except FileNotFoundError:
            return None
        return json.loads(raw)["step"]

    def read_json(self, path):
        import json
        return json.loads(self.container.read_file(path))

    def data_digest(self, root=None):
        """Checksum of DAEMON_HOME (or of a backup of it) without nymvisor's
        own directory: names, types, modes, owners and every file's sha256
        (not the sizes of directories, which depend on their history)."""
        return self.container.out(
            "cd %s && find . -mindepth 1 -path ./nymvisor -prune -o -printf '%%p %%y %%m %%u\\n' "
            "| LC_ALL=C sort | sha256sum && find . -path ./nymvisor -prune -o -type f "
            "-print0 | LC_ALL=C sort -z | xargs -0r sha256sum | sha256sum" % (root or self.home))
