"""A bad day, in a real systemd: the agent killed (SIGKILL, by the test
build's NYMVISOR_TEST_CRASH_AT hook) at the steps of an upgrade and of a
rollback, the power cut mid-upgrade (for longer than the health period too),
and an operator who stops the node during the health check. Each ends with
the node running one version that every record agrees on.
"""

import json
import os
import signal
import time

from nymvisor_case import AGENT, NODE, UpgradeTestCase

# The crash lists below name steps of the step table (agent/decide/
# upgrade_steps.cc). tests/decide/upgrade_steps_test.cc checks that each
# suite's lists and its *_ELSEWHERE entries together name every step of
# StepTable(): a new step fails ctest until it is added here or excused.

# Upgrade points: the agent dies right after a step is recorded (enter) or
# right after its effect (done), before the next step is recorded.
UPGRADE_POINTS = ["done:pre-copying", "done:stopping", "enter:backing-up", "done:backing-up", "done:swapping",
                  "done:starting", "enter:health-check", "done:committing"]
# Rollback points, for a new version that cannot start.
ROLLBACK_POINTS = ["done:rollback-stopping", "done:restoring", "done:rollback-starting",
                   "done:rollback-verifying", "done:recording-failure"]
# Steps CrashPointTest leaves to other tests, and why.
CRASH_POINTS_ELSEWHERE = {
    "restoring-previous": "an operator's rollback: the unit crash matrix kills the agent there",
    "aborting": "needs a failing backup: PowerCutAtEveryStepTest cuts the power there",
    "taking-slot": "a fleet's step (needs etcd): the unit crash matrix kills the agent there, "
                   "test_fleet.py runs it on several hosts",
    "releasing-slot": "a fleet's step (needs etcd): the unit crash matrix kills the agent there",
    "halting": "a fleet's step (needs etcd): the unit crash matrix kills the agent there",
}


class CrashPointTest(UpgradeTestCase):

    health_period = "3s"

    def crash_at(self, point):
        """The next agent run dies at `point` (on its first run of an upgrade)."""
        c = self.container
        c.write_file("/etc/nymvisor/mixnode.env", "NYMVISOR_TEST_CRASH_AT=%s\n" % point)
        c.run(["systemctl", "restart", AGENT % "mixnode"], timeout=120)

    def wait_for_crash(self, point):
        when, step = point.split(":")
        self.container.wait_for_journal(
            r"test hook: crashing %s step %s" % ("after" if when == "done" else "at", step),
            unit=AGENT % "mixnode", timeout=90)

    def test_a_crash_at_each_step_ends_on_one_version_every_record_agrees_on(self):
        self.start_instance()
        n = 1
        last = ("genesis", "1.1.0")
        for point in UPGRADE_POINTS:
            n += 1
            name, version = "v%d" % n, "1.%d.0" % n
            self.crash_at(point)
            self.publish(name, version, in_seconds=0)
            self.wait_for_crash(point)
            self.container.wait_for(self.state_step, 90, "the upgrade to end",
                                    until=lambda s: s is None)
            # systemd in a container may fail the node's start right after a
            # crash (219/CGROUP: its slice was just removed); the agent then
            # rolls back, which is consistent too.
            if self.last_outcome(name) != "rolled-back":
                last = (name, version)
            self.assert_consistent_on(*last)
        before = self.data_digest()
        for point in ROLLBACK_POINTS:
            n += 1
            name, version = "v%d" % n, "1.%d.0" % n
            self.crash_at(point)
            self.publish(name, version, in_seconds=0, exit_at_start=1,
                         mutate_file=self.home + "/data/state.db")
            self.wait_for_crash(point)
            self.container.wait_for(lambda: self.last_outcome(name), 90,
                                    "%s to be rolled back" % name)
            self.assert_consistent_on(*last)
            self.assertEqual(self.data_digest(), before, "the data is what it was (%s)" % point)
            self.assertEqual(self.last_outcome(name), "rolled-back", point)

    def last_outcome(self, name):
        history = self.read_json(self.home + "/nymvisor/upgrade-history.json")["history"]
        ends = [h.get("outcome", "completed") for h in history if h["info"]["name"] == name]
        return ends[-1] if ends else None


class PowerCutTest(UpgradeTestCase):

    health_period = "15s"

    def power_cut(self, off_for):
        """Kill the machine's PID 1 (every process dies, nothing is shut down),
        leave it off for `off_for` seconds, and boot the same tree."""
        c = self.container
        os.kill(c.leader, signal.SIGKILL)
        c.proc.wait(timeout=60)
        time.sleep(off_for)
        c.boot(c.name, c.tree, c.binds, reuse_tree=True)

    def test_power_cuts_mid_backup_and_for_longer_than_the_health_period(self):
        c = self.container
        self.start_instance(env="NYMVISOR_TEST_STEP_DELAY=backing-up=5s\n")
        self.publish("v2", "1.2.0", in_seconds=0)
        c.wait_for(self.state_step, 60, "the backup", until=lambda s: s == "backing-up")
        self.power_cut(off_for=2)
        c.wait_for_journal(r"resuming upgrade v2", unit=AGENT % "mixnode", timeout=60)
        self.assert_consistent_on("v2", "1.2.0")

        self.publish("v3", "1.3.0", in_seconds=0)
        c.wait_for(self.state_step, 60, "the health check", until=lambda s: s == "health-check")
        self.power_cut(off_for=20)  # longer than the 15 s health period
        c.wait_for_journal(r"the health check of 1.3.0 continues: ",
                           unit=AGENT % "mixnode", timeout=60)
        self.assert_consistent_on("v3", "1.3.0")
        lines = c.out(["journalctl", "-b", "--no-pager", "-o", "cat", "-u", AGENT % "mixnode"])
        restarted = lines.index("the health check of 1.3.0 continues: ")
        self.assertGreater(lines.find("now runs 1.3.0", restarted), restarted,
                           "committed only after a health check in this boot:\n" + lines)


START_LOG = "/var/log/fake-node-starts"


def migrated(version):
    """The line the stand-in node's "migration" (mutate_file) appends."""
    return ("migrated by fake-node %s\n" % version).encode()


# Every step of the table (checked as for CRASH_POINTS_ELSEWHERE above): the
# agent is held at each (NYMVISOR_TEST_STEP_DELAY) and the power cut there.
UPGRADE_CUTS = ["pre-copying", "stopping", "backing-up", "swapping", "starting", "health-check",
                "committing"]
ROLLBACK_CUTS = ["rollback-stopping", "restoring", "rollback-starting", "rollback-verifying",
                 "recording-failure"]
ABORT_CUTS = ["aborting"]  # a backup that fails on a file the agent cannot read
# Steps PowerCutAtEveryStepTest leaves to other tests, and why.
CUTS_ELSEWHERE = {
    "restoring-previous": "an operator's rollback: the unit crash matrix cuts the power there, "
                          "before, in the middle of and after its restore",
    "taking-slot": "a fleet's step (needs etcd): the unit crash matrix cuts the power there",
    "releasing-slot": "a fleet's step (needs etcd): the unit crash matrix cuts the power there",
    "halting": "a fleet's step (needs etcd): the unit crash matrix cuts the power there",
}


class PowerCutAtEveryStepTest(UpgradeTestCase):
    """One container, one power cut per step: an upgrade through each of
    UPGRADE_CUTS (kept), one through each of ROLLBACK_CUTS (a new version that
    fails at start, rolled back) and one through each of ABORT_CUTS (a backup
    that fails on a file the agent cannot read). The stand-in node logs the
    sha256 of data/state.db at every start (START_LOG, outside the home).
    After each: no start on data other than the pre-upgrade data or what the
    started version made of it, no upgrade in flight, the records, the
    `current` link and the plan agreeing, after a rollback the data as it was
    and the failed version recorded as failed."""

    health_period = "8s"
    power_cut = PowerCutTest.power_cut

    def test_a_power_cut_at_every_step(self):
        c = self.container
        c.sh("install -m 0666 /dev/null %s" % START_LOG)
        c.write_file("/etc/systemd/system/%s.d/starts.conf" % (NODE % "mixnode"),
                     "[Service]\nEnvironment=FAKE_NODE_START_LOG=%s "
                     "FAKE_NODE_START_DATA=%s/data/state.db\n" % (START_LOG, self.home))
        c.run(["systemctl", "daemon-reload"])
        self.start_instance()
        self.n, self.last = 1, ("genesis", "1.1.0")
        for step in UPGRADE_CUTS:
            self.cut_at(step, healthy=True)
        for step in ROLLBACK_CUTS:
            self.cut_at(step, healthy=False)
        for step in ABORT_CUTS:
            self.cut_at(step, healthy=True, hold="backing-up=6s,",
                        meanwhile=self.make_the_backup_fail)

    def make_the_backup_fail(self):
        """While the agent is held at backing-up: a file it cannot read."""
        self.container.wait_for(self.state_step, 60, "backing-up",
                                until=lambda s: s == "backing-up")
        self.container.sh("install -m 0000 /dev/null %s/data/unreadable" % self.home)

    def cut_at(self, step, healthy, hold="", meanwhile=None):
        c = self.container
        self.n += 1
        name, version = "v%d" % self.n, "1.%d.0" % self.n
        old_version = self.last[1]
        # A delay before health-check does not hold the check (the node's
        # start already judged it): the 8 s health period is the window.
        delay = "" if step == "health-check" else "%s=30s" % step
        c.write_file("/etc/nymvisor/mixnode.env",
                     "NYMVISOR_TEST_STEP_DELAY=%s%s\n" % (hold, delay))
        c.run(["systemctl", "restart", AGENT % "mixnode"], timeout=120)
        pre, mark = c.read_file(self.home + "/data/state.db"), len(self.starts())
        settings = {} if healthy else {"exit_at_start": 1}
        self.publish(name, version, in_seconds=0, mutate_file=self.home + "/data/state.db",
                     **settings)
        if meanwhile:
            meanwhile()
        c.wait_for(self.state_step, 120, step, until=lambda s: s == step)
        c.write_file("/etc/nymvisor/mixnode.env", "")  # the agent after the boot is not held
        print("e2e: power cut at %s (%s)" % (step, name))
        self.power_cut(off_for=1)
        c.wait_for(self.state_step, 120, "the upgrade to end after the cut at " + step,
                   until=lambda s: s is None)
        kept = healthy and step != "aborting"
        if kept:
            self.last = (name, version)
        self.assert_consistent_on(*self.last)
        self.assert_sound_starts(pre, mark, old_version, version, step)
        outcome = self.last_outcome(name)
        if kept:
            self.assertEqual(outcome, "completed", step)
            return
        self.assertIn(outcome, ("rolled-back", "failed"), step)
        c.run(["rm", "-f", self.home + "/data/unreadable"])
        self.assertIn(c.read_file(self.home + "/data/state.db"),
                      [pre + migrated(old_version) * a for a in range(40)],
                      "the data is what it was before %s (changed only by %s's own starts; "
                      "power cut at %s)" % (version, old_version, step))

    def starts(self):
        return self.container.read_file(START_LOG).decode().splitlines()

    def assert_sound_starts(self, pre, mark, old, new, step):
        """Every start since `mark` found the pre-upgrade data, or that data
        changed only by the old version, or then by the started new one."""
        import hashlib
        line = migrated
        # Restart=on-failure restarts a failing version many times.
        old_data = [pre + line(old) * a for a in range(40)]
        sound = {old: {hashlib.sha256(d).hexdigest() for d in old_data},
                 new: {hashlib.sha256(d + line(new) * b).hexdigest()
                       for d in old_data for b in range(40)}}
        starts = self.starts()[mark:]
        print("e2e: starts after the cut at %s: %s" % (step, starts))
        for entry in starts:
            version, digest = entry.split()
            self.assertIn(digest, sound.get(version, set()),
                          "%s started on data that is neither the pre-upgrade data nor its own "
                          "(power cut at %s; starts: %s)" % (version, step, starts))

    last_outcome = CrashPointTest.last_outcome


class OperatorStopTest(UpgradeTestCase):

    health_period = "6s"

    def status(self):
        return json.loads(self.container.out(["nymvisor", "status", "--id", "mixnode", "-o",
                                              "json"]))

    def test_a_stop_during_the_health_check_pauses_it_and_a_start_finishes_it(self):
        c = self.container
        self.start_instance()
        self.publish("v2", "1.2.0", in_seconds=0)
        c.wait_for(self.state_step, 60, "the health check", until=lambda s: s == "health-check")
        c.run(["systemctl", "stop", NODE % "mixnode"])
        c.wait_for_journal(r"was stopped by someone else during the health check of 1\.2\.0",
                           unit=AGENT % "mixnode", timeout=30)
        time.sleep(9)  # longer than the health period: still nothing is judged
        self.assertEqual(self.prop(NODE % "mixnode", "ActiveState"), "inactive",
                         "the node stays as the operator left it")
        self.assertEqual(self.state_step(), "health-check")
        status = self.status()
        self.assertIsNotNone(status["healthPausedAt"])
        self.assertIn("paused", status["statusLine"])
        self.assertIn("start it to go on", c.out(["systemctl", "show", "-p", "StatusText",
                                                  "--value", AGENT % "mixnode"]))
        names = [e[0] for e in self.agent_events()]
        self.assertNotIn("UpgradeRolledBack", names)

        c.run(["systemctl", "start", NODE % "mixnode"])
        self.wait_for_event("UpgradeSucceeded", timeout=60)
        self.assert_consistent_on("v2", "1.2.0")


class DownloadDiskFullTest(UpgradeTestCase):

    def test_a_download_that_fills_the_disk_leaves_no_partial_and_is_retried_later(self):
        c = self.container
        agent = AGENT % "mixnode"
        c.sh("mkdir -p /srv/nym-upgrades && mount -t tmpfs -o size=16m,mode=0755,"
             "uid=$(id -u nym),gid=$(id -g nym) tmpfs /srv/nym-upgrades")
        self.start_instance(flags=["--upgrade-data-directory", "/srv/nym-upgrades"])
        before = self.prop(NODE % "mixnode", "InvocationID")
        data = self.data_digest()
        self.upstream.override("/bin/v2/nym-node", rate=1000000)  # about 5 s
        self.publish("v2", "1.2.0", in_seconds=0)
        self.upstream.wait_for_request("/bin/v2/nym-node", timeout=30)
        # The disk fills while the download runs (the pre-flight saw room).
        c.sh("head -c 32M /dev/zero > /srv/nym-upgrades/filler || true")
        c.wait_for_journal(r"No space left on device; the partial download was removed",
                           unit=agent, timeout=60)
        c.wait_for_journal(r"staging v2 failed \(1 time in a row\), tried again in 1m",
                           unit=agent, timeout=10)
        self.assertEqual(c.out("find /srv/nym-upgrades -name '*.tmp'"), "", "no partial left")
        # At the retry there is still no room: the pre-flight says so before a byte comes.
        c.sh("rm /srv/nym-upgrades/filler && head -c 10M /dev/zero > /srv/nym-upgrades/filler")
        c.wait_for_journal(r"staging v2 failed \(2 times in a row\), tried again in 2m: "
                           r"preflight: the download needs 4 MiB", unit=agent, timeout=90)
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), before,
                         "the node was never stopped")
        self.assertEqual(self.data_digest(), data)
        self.assertEqual(self.read_json(self.home + "/nymvisor/current-version.json")["name"],
                         "genesis")
        c.run(["rm", "/srv/nym-upgrades/filler"])  # room again
        self.upstream.clear_overrides()
        self.wait_for_event("UpgradeSucceeded", timeout=180)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         "/srv/nym-upgrades/upgrades/v2/bin/nym-node")
