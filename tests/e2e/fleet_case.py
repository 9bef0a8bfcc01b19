"""FleetTestCase: several nspawn hosts, one upstream, one real etcd.

Each test gets `hosts_count` freshly booted containers (self.hosts, each a
Host), a loopback upstream they all poll (self.upstream) and an etcd on
127.0.0.1 (self.etcd, tests/e2e/etcd.py). The containers share the host's
network namespace, so the agents inside reach both as 127.0.0.1.

A Host carries UpgradeTestCase's helpers (init_instance, start_instance,
state_step, read_json, main_exe, agent_events, assert_consistent_on...) bound
to its own container: it is an UpgradeTestCase that is never run, only
booted by FleetTestCase. publish() puts one release on the shared upstream.
"""

import datetime
import json
import os
import sys
import unittest
import uuid
from concurrent.futures import ThreadPoolExecutor

from container import Container
from etcd import Etcd
from harness import SystemdTestCase, rootfs_tarball
from nymvisor_case import AGENT, FAKE_NODE, NODE, UpgradeTestCase, message_ids

GROUP = "e2e"


class Host(UpgradeTestCase):
    """One host of a fleet test; see the module docstring. Not a test."""

    def __init__(self, label, upstream, health_period, polling_rate):
        unittest.TestCase.__init__(self)  # runTest: a TestCase that is never run
        self.label, self.upstream = label, upstream
        self.health_period, self.polling_rate = health_period, polling_rate
        self.home = "/var/lib/nym/mixnode"
        self.ids = message_ids()
        self.container = None

    def boot(self, machine_name):
        """Boot the container and install nymvisor, the fake node and `nym`."""
        self.container = Container(rootfs_tarball())
        self.container.boot(machine_name)
        self.container.copy_in(os.environ["NYMVISOR_FAKE_NODE"], FAKE_NODE, mode=0o755)
        self.install_deb()
        self.container.run(["useradd", "--system", "--user-group", "--home-dir",
                            "/var/lib/nym", "--create-home", "nym"])
        return self

    def node_env(self, **settings):
        """Set the node unit's FAKE_NODE_<KEY> variables (a drop-in; they apply
        from the node's next start) and reload systemd."""
        text = "[Service]\n" + "".join("Environment=FAKE_NODE_%s=%s\n" % (k.upper(), v)
                                       for k, v in settings.items())
        self.container.write_file("/etc/systemd/system/%s.d/e2e.conf" % (NODE % "mixnode"), text)
        self.container.run(["systemctl", "daemon-reload"])

    def node_times(self):
        """(ActiveExitTimestamp, ActiveEnterTimestamp) of the node unit, in
        microseconds since the epoch (None if unset): when it last went down
        and last came up."""
        out = self.container.out(["systemctl", "show", "--timestamp=us+utc", NODE % "mixnode",
                                  "-p", "ActiveExitTimestamp", "-p", "ActiveEnterTimestamp"])
        props = dict(line.partition("=")[::2] for line in out.splitlines())
        return (usec(props.get("ActiveExitTimestamp")), usec(props.get("ActiveEnterTimestamp")))

    def event_times(self, name, version=None):
        """Realtime usec of each catalogued agent event `name` (of `version`)."""
        return [t for n, t, e in self.agent_events()
                if n == name and (version is None or e.get("NYMVISOR_VERSION_TO") == version)]

    def status(self):
        """`nymvisor status -o json` of the instance, parsed."""
        return json.loads(self.container.out(["nymvisor", "status", "--id", "mixnode",
                                              "-o", "json"]))

    def waiting_for(self):
        """What `status` says the agent waits for: the fleet object's
        waitingFor, else the top-level one (None: nothing)."""
        status = self.status()
        return (status.get("fleet") or {}).get("waitingFor") or status.get("waitingFor")

    def fleet(self, *args, check=True):
        """Run `nymvisor fleet ARGS --id mixnode`; return the CompletedProcess."""
        return self.container.run(["nymvisor", "fleet"] + list(args) + ["--id", "mixnode"],
                                  check=check)

    def fleet_status(self):
        """`nymvisor fleet status -o json`, parsed."""
        return json.loads(self.fleet("status", "-o", "json").stdout)

    def current(self):
        """(name, version) in current-version.json."""
        cur = self.read_json(self.home + "/nymvisor/current-version.json")
        return cur["name"], cur["version"]

    def outcomes(self, name):
        """The outcomes of the history entries of release `name`."""
        history = self.read_json(self.home + "/nymvisor/upgrade-history.json")["history"]
        return [h.get("outcome", "completed") for h in history if h["info"]["name"] == name]


def usec(text):
    """Microseconds since the epoch of a `--timestamp=us+utc` value (None if empty)."""
    if not text or text == "n/a":
        return None
    when = datetime.datetime.strptime(text, "%a %Y-%m-%d %H:%M:%S.%f UTC")
    return int(when.replace(tzinfo=datetime.timezone.utc).timestamp() * 1_000_000)


def most_at_once(intervals):
    """The largest number of [start, end] intervals that overlap at one instant."""
    edges = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals],
                   key=lambda x: (x[0], x[1]))  # an end before a start at the same instant
    most = now = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


class FleetTestCase(SystemdTestCase):
    """hosts_count hosts in one fleet group on one etcd and one upstream."""

    hosts_count = 3
    health_period = "6s"
    polling_rate = "2s"

    def setUp(self):
        unittest.TestCase.setUp(self)  # not SystemdTestCase's: it boots one container
        self._problems_at_start = self._problem_count()
        self.etcd = Etcd().start()
        self.addCleanup(self.etcd.close)
        self.upstream = self.start_upstream(https=False)
        self.hosts = [Host(chr(ord("a") + i), self.upstream, self.health_period,
                           self.polling_rate) for i in range(self.hosts_count)]
        for host in self.hosts:
            self.addCleanup(self._close_host, host)
        self.addCleanup(self._diagnose_hosts)  # runs before the hosts close
        tag = uuid.uuid4().hex[:6]
        with ThreadPoolExecutor(len(self.hosts)) as pool:
            booted = [pool.submit(h.boot, "e2e-fleet-%s-%s" % (h.label, tag)) for h in self.hosts]
            for future in booted:
                future.result()
        self.container = self.hosts[0].container

    def fleet_flags(self, max_unavailable=1, canary=False, soak=None, on_unreachable=None):
        """`nymvisor init` flags putting a host in this test's group."""
        flags = ["--fleet-endpoints", self.etcd.url, "--fleet-group", GROUP,
                 "--fleet-max-unavailable", str(max_unavailable)]
        if canary:
            flags += ["--fleet-canary"]
        if soak:
            flags += ["--fleet-soak", soak]
        if on_unreachable:
            flags += ["--fleet-on-unreachable", on_unreachable]
        return flags

    def start_all(self, flags_of):
        """start_instance on every host, with flags_of(host)."""
        with ThreadPoolExecutor(len(self.hosts)) as pool:
            for future in [pool.submit(h.start_instance, flags_of(h)) for h in self.hosts]:
                future.result()

    def publish(self, name, version, **settings):
        """Put release `name` on the shared upstream, due now."""
        return self.hosts[0].publish(name, version, in_seconds=0, **settings)

    def wait_all_on(self, name, version, hosts=None, timeout=180):
        """Wait until every host (of `hosts`) runs `name` with consistent records."""
        for host in hosts or self.hosts:
            host.container.wait_for(host.current, timeout, "host %s to run %s" % (host.label, name),
                                    until=lambda cur: cur == (name, version), interval=0.5)
            host.assert_consistent_on(name, version)

    def host_in_health_check(self):
        """Wait until some host's upgrade is in its health check (it holds
        the slot, its node up again); return that host."""
        steps = self.container.wait_for(lambda: [h.state_step() for h in self.hosts], 60,
                                        "an upgrade in its health check", interval=0.2,
                                        until=lambda s: "health-check" in s)
        return self.hosts[steps.index("health-check")]

    def fleet_keys(self, kind=""):
        """{key below the group prefix: value} of etcd's keys (of one kind)."""
        prefix = "nymvisor/fleet/%s/" % GROUP
        return {k[len(prefix):]: v for k, v in self.etcd.get_prefix(prefix + kind).items()}

    def upgrade_windows(self, version):
        """[(node stop, commit)] in usec of each host that committed `version`:
        from its node's ActiveExitTimestamp to its UpgradeSucceeded event."""
        windows = []
        for host in self.hosts:
            commits = host.event_times("UpgradeSucceeded", version)
            if commits:
                windows.append((host.node_times()[0], commits[-1]))
        return windows

    # ------------------------------------------------------------ cleanup
    def _diagnose_hosts(self):
        """On failure print every host's diagnostics and etcd's keys and log."""
        if not self.has_failed():
            return
        for host in self.hosts:
            if host.container is None or not host.container.running:
                continue
            print("\n%s\n# E2E FAILURE in %s: diagnostics of host %s\n%s" % (
                "#" * 78, self.id(), host.label, "#" * 78), file=sys.stderr, flush=True)
            host.container.dump_diagnostics(file=sys.stderr)
            self.container = host.container
            self._write_digest()
        try:
            print("etcd keys: %s" % json.dumps(self.fleet_keys(), indent=1), file=sys.stderr)
        except Exception as e:  # noqa: BLE001 - etcd may be the thing that is down
            print("etcd keys: unreadable (%s)" % e, file=sys.stderr)
        print("etcd log tail:\n%s" % self.etcd.log_tail(), file=sys.stderr, flush=True)

    def _close_host(self, host):
        """Power off a host (or keep it, as SystemdTestCase keeps a container)."""
        if host.container is None:
            return
        self.container = host.container
        self._close_container()


__all__ = ["AGENT", "NODE", "FleetTestCase", "Host", "most_at_once"]
