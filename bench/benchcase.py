"""BenchCase: a booted container with nymvisor installed, plus what the
benchmarks measure: node downtime from systemd's own timestamps, homes of a
given size, the floor (a plain restart) and the original's upgrade done by
hand. Figures go to results.record(); nothing here asserts on time.
"""

import hashlib
import json
import os
import shlex
import statistics

import results
from nymvisor_case import AGENT, NODE, UpgradeTestCase

BENCH_BIN = "/usr/local/bin/nymvisor-bench"
UNIT = NODE % "mixnode"

# The original's sequence, done by hand as its operators (and Nym's Ansible
# playbook) do: stop, tar czf the home, download, sha256sum, swap, start.
ORIGINAL_SEQUENCE = r"""
set -e
systemctl stop {unit}
tar czf {work}/backup-{name}.tgz -C {home} --exclude=./nymvisor .
curl -fsS -o {work}/nym-node {url}
echo "{sha}  {work}/nym-node" | sha256sum -c --quiet -
install -D -m 0755 {work}/nym-node {home}/nymvisor/upgrades/{name}/bin/nym-node
ln -sfn {home}/nymvisor/upgrades/{name} {home}/nymvisor/current.new
mv -T {home}/nymvisor/current.new {home}/nymvisor/current
systemctl start {unit}
"""


class BenchCase(UpgradeTestCase):
    """One benchmark scenario per method, each in a fresh container."""

    health_period = "2s"
    polling_rate = "2s"

    def setUp(self):
        super().setUp()
        self.container.copy_in(os.environ["NYMVISOR_BENCH_BIN"], BENCH_BIN, mode=0o755)

    # ------------------------------------------------------------ data
    def make_home(self, mib, root=None, small_files=20000):
        """A node home of `mib` MiB: `small_files` files of 1 KiB (fewer for a
        small home) and a database file holding the rest, all random."""
        root = root or self.home
        small = min(small_files, mib * 1024 // 10)
        db = mib * 1024 * 1024 - small * 1024
        self.container.sh(
            "install -d -o nym -g nym {r}/data {r}/data/small && cd {r}/data && "
            "head -c {db} /dev/urandom > db.bin && "
            "head -c {s} /dev/urandom | split -b 1024 -a 5 - small/f && "
            "chown -R nym:nym {r}/data && sync".format(r=shlex.quote(root), db=db, s=small * 1024),
            timeout=1800)

    # ------------------------------------------------------- downtime
    def monotonic(self, unit, prop):
        return int(self.container.show(unit, prop)[prop])

    def last_downtime_ms(self, unit=UNIT):
        """The unit's last inactive time: ActiveExit to the next ActiveEnter."""
        exit_us = self.monotonic(unit, "ActiveExitTimestampMonotonic")
        enter_us = self.monotonic(unit, "ActiveEnterTimestampMonotonic")
        return (enter_us - exit_us) / 1000.0

    def floor_ms(self, runs=5):
        """The floor: `systemctl restart` of the node unit, the median of runs."""
        times = []
        for _ in range(runs):
            self.container.run(["systemctl", "restart", UNIT], timeout=120)
            self.container.wait_for_state(UNIT, "active", timeout=60)
            times.append(self.last_downtime_ms())
        return statistics.median(times)

    def completed(self, name):
        history = self.read_json(self.home + "/nymvisor/upgrade-history.json")["history"]
        return [h for h in history if h["info"]["name"] == name]

    def our_upgrade_ms(self, name, version, timeout=1800, **settings):
        """Publish `name` for now; the agent stages, pre-copies and upgrades.
        Returns the node's downtime."""
        self.publish(name, version, in_seconds=0, **settings)
        self.container.wait_for(lambda: self.completed(name), timeout,
                                "the agent to finish upgrade %s" % name, interval=1)
        ends = self.completed(name)[-1]
        self.assertNotIn("outcome", ends, "upgrade %s: %s" % (name, ends))
        return self.last_downtime_ms()

    def step_times_ms(self):
        """The agent's "upgrade step 'X' done in N ms" of its last upgrade, by step."""
        import re
        out = self.container.out(["journalctl", "-u", AGENT % "mixnode", "-o", "cat",
                                  "--no-pager"])
        steps = {}
        for m in re.finditer(r"upgrade step '([a-z-]+)' (?:done|failed) in (\d+) ms", out):
            steps[m.group(1)] = int(m.group(2))
        return steps

    def original_upgrade_ms(self, name, version):
        """The same upgrade by the original's sequence, with the agent stopped."""
        c = self.container
        c.run(["systemctl", "stop", AGENT % "mixnode"], timeout=120)
        binary = self.stamp_on_host(version=version)
        self.upstream.put("/bin/%s/nym-node" % name, binary)
        c.sh("install -d /var/tmp/original")
        script = ORIGINAL_SEQUENCE.format(
            unit=UNIT, work="/var/tmp/original", home=self.home, name=name,
            url="%s/bin/%s/nym-node" % (self.upstream.http_url, name),
            sha=hashlib.sha256(binary).hexdigest())
        c.sh(script, timeout=3600)
        c.wait_for_state(UNIT, "active", timeout=60)
        return self.last_downtime_ms()

    def journal_monotonic_us(self, unit, needle):
        """__MONOTONIC_TIMESTAMP of the first journal entry of `unit` containing `needle`."""
        out = self.container.out(["journalctl", "-u", unit, "-o", "json", "--no-pager"])
        for line in out.splitlines():
            entry = json.loads(line)
            if needle in str(entry.get("MESSAGE", "")):
                return int(entry["__MONOTONIC_TIMESTAMP"])
        self.fail("no journal entry of %s contains %r" % (unit, needle))

    def record(self, *args, **kw):
        results.record(*args, **kw)
