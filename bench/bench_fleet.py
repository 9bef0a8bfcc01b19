"""B7: a fleet rollout (docs/fleet.md) across N hosts on one real etcd and
one upstream, for N = 3 and 5 and fleet_max_unavailable 1 and 2. From the
node units' own timestamps (ActiveExitTimestamp, ActiveEnterTimestamp) and
the agents' commits it reports:

- the wall time from the release's publication to the last commit, against
  N x (stop + start + health period) of the same hosts (each host's measured
  downtime plus the health period): the cost of doing them one by one;
- the most nodes down at once (at most max_unavailable, or the agent is
  wrong: the one assertion);
- the share of node-seconds of the rollout the nodes were up, and the share
  of its time the whole group was up.

Run with bench/run_bench.py -k fleet. Needs Debian's etcd on the host.
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

import results  # noqa: E402
from fleet_case import FleetTestCase, most_at_once  # noqa: E402

HEALTH_S = 6


class FleetRollout:
    """One rollout of 1.2.0 over self.hosts with max_unavailable `most`."""

    health_period = "%ds" % HEALTH_S

    def rollout(self, most):
        n = len(self.hosts)
        self.start_all(lambda host: self.fleet_flags(max_unavailable=most))
        published = time.time() * 1_000_000
        self.publish("v2", "1.2.0")
        self.wait_all_on("v2", "1.2.0")
        down = [host.node_times() for host in self.hosts]  # (exit, enter) of the upgrade
        commits = [host.event_times("UpgradeSucceeded", "1.2.0")[-1] for host in self.hosts]
        at_once = most_at_once(down)
        self.assertLessEqual(at_once, most, down)
        wall = (max(commits) - published) / 1e6
        serial = sum((enter - exit) / 1e6 + HEALTH_S for exit, enter in down)
        node_down = sum(enter - exit for exit, enter in down) / 1e6
        any_down = union_seconds(down)
        group = "B7"
        label = "%d hosts, max_unavailable %d" % (n, most)
        results.record(group, label + ": wall time", wall, "s", baseline=serial,
                       baseline_name="N x (stop+start+health)")
        results.record(group, label + ": most nodes down at once", at_once, "nodes",
                       goal="<= %d" % most, met=at_once <= most)
        results.record(group, label + ": node-seconds up", 100 * (1 - node_down / (n * wall)),
                       "%")
        results.record(group, label + ": time the whole group was up",
                       100 * (1 - any_down / wall), "%")


def union_seconds(intervals):
    """Seconds covered by at least one [start, end] interval (usec)."""
    total, end = 0, None
    for s, e in sorted(intervals):
        if end is None or s > end:
            total += e - s
            end = e
        elif e > end:
            total += e - end
            end = e
    return total / 1e6


class FleetOf3(FleetRollout, FleetTestCase):
    hosts_count = 3

    def test_fleet_3_hosts_max_1(self):
        self.rollout(1)

    def test_fleet_3_hosts_max_2(self):
        self.rollout(2)


class FleetOf5(FleetRollout, FleetTestCase):
    hosts_count = 5

    def test_fleet_5_hosts_max_1(self):
        self.rollout(1)

    def test_fleet_5_hosts_max_2(self):
        self.rollout(2)
