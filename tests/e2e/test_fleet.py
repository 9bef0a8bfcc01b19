"""Fleet rollouts (docs/fleet.md) on a real etcd on loopback and three
systemd-nspawn hosts polling one upstream: canaries first and a soak, at most
fleet_max_unavailable nodes down (judged from the node units' own
timestamps and the commits), a rollback that halts the rollout until
`nymvisor fleet clear-halt`, a slot holder killed for longer than its lease,
and an etcd outage mid-rollout, waited out or (proceed) gone through alone.
"""

import time

from fleet_case import AGENT, GROUP, NODE, FleetTestCase, most_at_once
from etcd import free_port

SOAK_S = 5


class CanaryAndHaltTest(FleetTestCase):
    """Host a is the canary; b and c check the node's build-info URL, so a
    node that reports the wrong version fails their health gate."""

    def start_hosts(self):
        ports = {h.label: free_port() for h in self.hosts}
        for host in self.hosts:
            host.node_env(http_listen="127.0.0.1:%d" % ports[host.label])

        def flags(host):
            url = "http://127.0.0.1:%d/api/v1/build-information" % ports[host.label]
            return self.fleet_flags(canary=host.label == "a", soak="%ds" % SOAK_S) + [
                "--build-info-url", url]
        self.start_all(flags)
        return ports

    def test_the_canary_goes_first_and_a_rollback_halts_until_cleared(self):
        ports = self.start_hosts()
        canary, others = self.hosts[0], self.hosts[1:]
        self.publish("v2", "1.2.0")
        # The others wait for the canary, then for its soak; status says so.
        seen = {h.label: set() for h in others}

        def look():
            for host in others:
                seen[host.label].add(host.waiting_for())
            return seen
        self.container.wait_for(look, 60, "b and c to wait for the canary's soak", interval=0.3,
                                until=lambda s: all("soak" in w for w in s.values()))
        self.wait_all_on("v2", "1.2.0")
        windows = sorted((host.node_times()[0], host.event_times("UpgradeSucceeded", "1.2.0")[-1],
                          host.label) for host in self.hosts)
        self.assertEqual(windows[0][2], "a", "the canary stopped its node first: %s" % windows)
        for before, after in zip(windows, windows[1:]):
            self.assertGreater(after[0], before[1], "host %s stopped its node before host %s "
                               "committed: %s" % (after[2], before[2], windows))
        # (less a second: the soak counts from the done mark, just before the event)
        self.assertGreaterEqual(windows[1][0], windows[0][1] + (SOAK_S - 1) * 1_000_000,
                                "the first other host waited out the soak: %s" % windows)

        # 1.3.0 reports 1.2.0 on b and c: the canary commits it, the first
        # other host rolls it back and halts it, the last never stops.
        for host in others:
            host.node_env(http_listen="127.0.0.1:%d" % ports[host.label],
                          http_build_version="1.2.0")
        entered = {h.label: h.node_times()[1] for h in self.hosts}
        self.publish("v3", "1.3.0")
        self.wait_all_on("v3", "1.3.0", hosts=[canary])
        failed = self.wait_for_halt("1.3.0")
        last = [h for h in others if h is not failed][0]
        failed.assert_consistent_on("v2", "1.2.0")
        self.assertEqual(failed.outcomes("v3"), ["rolled-back"])
        last.container.wait_for(last.waiting_for, 60, "host %s to wait for the halt" % last.label,
                                until=lambda w: w == "fleet-halt", interval=0.5)
        self.assertEqual(last.node_times()[1], entered[last.label], "the last node never stopped")
        self.assertEqual(last.current(), ("v2", "1.2.0"))
        # The wait shows on D-Bus and in STATUS= as well as in status.
        prop = ["busctl", "get-property", "net.nymtech.Nymvisor1.mixnode", "/net/nymtech/Nymvisor1",
                "net.nymtech.Nymvisor1"]
        self.assertEqual(last.container.out(prop + ["FleetWaitingFor"]).strip(), 's "fleet-halt"')
        self.assertEqual(last.container.out(prop + ["FleetHalt"]).strip(), 's "1.3.0"')
        self.assertEqual(last.container.out(prop + ["FleetGroup"]).strip(), 's "%s"' % GROUP)
        status_text = last.container.out(["systemctl", "show", "-p", "StatusText", "--value",
                                          AGENT % "mixnode"])
        self.assertIn("fleet %s: fleet halted for 1.3.0" % GROUP, status_text)
        halts = last.fleet_status()["halts"]
        self.assertEqual([(h["version"], h["cause"]) for h in halts], [("1.3.0", "rollback")], halts)
        self.assertTrue(halts[0]["holder"].startswith("mixnode@"), halts)
        self.assertEqual(halts[0]["holder"], failed.status()["fleet"]["holder"], halts)

        # The operator fixes the last host's node and clears the halt.
        last.node_env(http_listen="127.0.0.1:%d" % ports[last.label])
        last.fleet("clear-halt", "--version", "1.3.0")
        self.wait_all_on("v3", "1.3.0", hosts=[last])
        self.assertFalse(last.fleet_status()["halted"])
        self.assertEqual(failed.current(), ("v2", "1.2.0"), "the failed host did not retry")

    def wait_for_halt(self, version):
        """Wait for halt/<version> in etcd; return the host that wrote it."""
        self.container.wait_for(lambda: self.fleet_keys("halt/"), 120, "a halt of " + version,
                                until=lambda keys: "halt/" + version in keys, interval=0.5)
        rolled = [h for h in self.hosts[1:] if "rolled-back" in h.outcomes("v3")]
        self.assertEqual(len(rolled), 1, "one host rolled 1.3.0 back")
        return rolled[0]


class TwoAtOnceAndOutageTest(FleetTestCase):
    """fleet_max_unavailable 2, then etcd stopped while an upgrade runs."""

    def test_two_at_most_and_no_new_upgrade_while_etcd_is_away(self):
        self.start_all(lambda host: self.fleet_flags(max_unavailable=2, on_unreachable="wait"))
        self.publish("v2", "1.2.0")
        self.wait_all_on("v2", "1.2.0")
        windows = self.upgrade_windows("1.2.0")
        self.assertEqual(len(windows), 3)
        self.assertLessEqual(most_at_once(windows), 2, windows)

        self.publish("v3", "1.3.0")
        c = self.container
        self.host_in_health_check()  # an upgrade to 1.3.0 runs
        self.etcd.stop()
        down_at = time.time() * 1_000_000
        waiting = []
        for host in self.hosts:  # the hosts not upgrading wait; the others finish
            c.wait_for(lambda: (host.state_step(), host.waiting_for(), host.current()[0]), 90,
                       "host %s to finish or wait for etcd" % host.label,
                       until=lambda s: s[1] == "fleet-unreachable" or (
                           s[0] in (None, "releasing-slot") and s[2] == "v3"),
                       interval=0.5)
            if host.current()[0] != "v3":
                waiting.append(host)
        self.assertTrue(waiting, "some host still had to upgrade when etcd went away")
        time.sleep(4)  # two polls of the upstream: nobody starts while etcd is away
        for host in waiting:
            self.assertEqual(host.waiting_for(), "fleet-unreachable")
            self.assertEqual(host.current(), ("v2", "1.2.0"))
        up_at = time.time() * 1_000_000
        self.etcd.start()
        self.wait_all_on("v3", "1.3.0")
        windows = self.upgrade_windows("1.3.0")
        self.assertEqual(len(windows), 3)
        self.assertLessEqual(most_at_once(windows), 2, windows)
        for host in waiting:
            stopped = host.node_times()[0]
            self.assertGreater(stopped, up_at, "host %s stopped its node only after etcd "
                               "came back (down %d-%d)" % (host.label, down_at, up_at))


class KilledHolderTest(FleetTestCase):
    """The agent holding the slot is SIGKILLed mid-upgrade and stays dead
    for longer than its lease (30 s)."""

    def test_a_lost_lease_halts_the_group_until_its_holder_returns(self):
        for host in self.hosts:  # a killed agent stays dead until the test starts it
            host.container.write_file("/etc/systemd/system/%s.d/e2e.conf" % (AGENT % "mixnode"),
                                      "[Service]\nRestart=no\n")
            host.container.run(["systemctl", "daemon-reload"])
        self.start_all(lambda host: self.fleet_flags())
        entered = {h.label: h.node_times()[1] for h in self.hosts}
        self.publish("v2", "1.2.0")
        c = self.container
        victim = self.host_in_health_check()
        others = [h for h in self.hosts if h is not victim]
        victim.container.sh("kill -KILL $(systemctl show -p MainPID --value %s)" % (AGENT % "mixnode"))
        victim.container.wait_for_state(AGENT % "mixnode", "failed", timeout=30)

        c.wait_for(lambda: self.fleet_keys("halt/"), 90, "the lease to expire and halt the group",
                   until=bool, interval=1)
        halts = others[0].fleet_status()["halts"]
        self.assertEqual([h["cause"] for h in halts], ["lease-expired"], halts)
        self.assertTrue(halts[0]["allVersions"], halts)
        for host in others:
            host.container.wait_for(host.waiting_for, 30, "host %s to wait for the halt"
                                    % host.label, until=lambda w: w == "fleet-halt", interval=0.5)
            self.assertEqual(host.node_times()[1], entered[host.label],
                             "host %s did not stop its node" % host.label)

        victim.container.run(["systemctl", "start", AGENT % "mixnode"])
        self.wait_all_on("v2", "1.2.0")
        self.assertEqual(self.fleet_keys("halt/"), {}, "the holder cleared its own halt")
        windows = self.upgrade_windows("1.2.0")
        self.assertEqual(len(windows), 3)
        self.assertEqual(most_at_once(windows), 1, windows)
        self.assertEqual(min(windows)[0], victim.node_times()[0], "the victim went first")


class ProceedWhenUnreachableTest(FleetTestCase):
    """fleet_on_unreachable proceed: etcd stopped while one host holds the
    slot; the others upgrade alone (the mode gives up the one-at-a-time
    guarantee for progress), and every host tidies its keys once etcd is
    back."""

    def test_the_others_upgrade_alone_while_etcd_is_away(self):
        self.start_all(lambda host: self.fleet_flags(on_unreachable="proceed"))
        self.publish("v2", "1.2.0")
        c = self.container
        holder = self.host_in_health_check()
        others = [h for h in self.hosts if h is not holder]
        down_at = time.time() * 1_000_000  # etcd stops answering as its shutdown begins
        self.etcd.stop()
        for host in self.hosts:  # all reach v2 with etcd away; giving back waits for it
            c.wait_for(lambda: (host.current(), host.state_step()), 120,
                       "host %s to run v2 without etcd" % host.label,
                       until=lambda s: s[0] == ("v2", "1.2.0") and s[1] in (None, "releasing-slot"),
                       interval=0.5)
        for host in others:
            self.assertGreater(host.node_times()[0], down_at,
                               "host %s stopped its node while etcd was away" % host.label)
        self.etcd.start()
        self.wait_all_on("v2", "1.2.0")
        c.wait_for(lambda: (self.fleet_keys("slots/"), self.fleet_keys("progress/")), 60,
                   "the slot and progress keys to go", until=lambda k: k == ({}, {}), interval=1)
        self.assertEqual(self.fleet_keys("halt/"), {}, "nothing was halted")


__all__ = ["CanaryAndHaltTest", "TwoAtOnceAndOutageTest", "KilledHolderTest",
           "ProceedWhenUnreachableTest", "NODE"]
