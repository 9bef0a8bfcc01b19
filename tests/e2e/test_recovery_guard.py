"""The node unit never starts on its own while the records hold it down, in a
real systemd: `nymvisor exec` (the node unit's ExecStart) refuses with exit
status 75 while an upgrade is recorded in `restoring` (by `systemctl start`
and at boot after a power cut), the refusal is in the node unit's journal and
does not restart in a loop (RestartPreventExitStatus=75); a node-left-down
record keeps the node down across a reboot until `nymvisor release-node`.
"""

import json
import os
import signal
import time

from nymvisor_case import AGENT, NODE, UpgradeTestCase

REFUSAL = r"'nymvisor exec mixnode' does not start the node"


def wait_refused(container, node):
    """The node unit failed with exec's refusal (exit status 75); its properties."""
    return container.wait_for(
        lambda: container.show(node, "ActiveState", "ExecMainStatus", "NRestarts"),
        30, "%s to fail with status 75" % node,
        until=lambda v: v["ActiveState"] == "failed" and v["ExecMainStatus"] == "75")


class RestoreGuardTest(UpgradeTestCase):

    health_period = "3s"

    def fail_into_restoring(self):
        """Publish v2, which cannot start: the rollback pauses in `restoring`
        (NYMVISOR_TEST_STEP_DELAY) with the node down."""
        self.publish("v2", "1.2.0", in_seconds=0, exit_at_start=1,
                     mutate_file=self.home + "/data/state.db")
        self.container.wait_for(self.state_step, 90, "the rollback to reach restoring",
                                until=lambda s: s == "restoring")

    def test_a_start_during_restoring_is_refused_and_not_restarted(self):
        c = self.container
        node = NODE % "mixnode"
        self.start_instance(env="NYMVISOR_TEST_STEP_DELAY=restoring=40s\n")
        before = self.data_digest()
        self.assertEqual(self.prop(node, "RestartPreventExitStatus"), "75")
        self.fail_into_restoring()
        # Type=exec: the start job ends once exec runs; the refusal fails the unit.
        c.run(["systemctl", "start", node], check=False)
        c.wait_for_journal(REFUSAL + r": the node is not started while its data is being "
                           r"restored: upgrade v2 \(1\.1\.0 -> 1\.2\.0\) is in step restoring",
                           unit=node, timeout=30)
        show = wait_refused(c, node)
        restarts = show["NRestarts"]
        time.sleep(12)  # past RestartSec: Restart=on-failure would have fired by now
        self.assertEqual(self.prop(node, "NRestarts"), restarts, "no restart loop")
        self.assertEqual(self.prop(node, "ActiveState"), "failed")
        self.assertEqual(self.state_step(), "restoring", "the restore was never run under it")
        # The agent itself starts the old version once the restore is done.
        self.wait_for_event("UpgradeRolledBack", timeout=90)
        self.assert_consistent_on("genesis", "1.1.0")
        self.assertEqual(self.data_digest(), before, "the data is the pre-upgrade data")

    def test_a_power_cut_in_restoring_does_not_start_the_node_at_boot(self):
        c = self.container
        node = NODE % "mixnode"
        self.start_instance(env="NYMVISOR_TEST_STEP_DELAY=restoring=20s\n")
        before = self.data_digest()
        self.fail_into_restoring()
        os.kill(c.leader, signal.SIGKILL)  # the power is cut
        c.proc.wait(timeout=60)
        c.boot(c.name, c.tree, c.binds, reuse_tree=True)
        # The enabled node unit starts at boot and refuses: the data is half-restored.
        c.wait_for_journal(REFUSAL + r".*step restoring", unit=node, timeout=60,
                           extra_args=["-b"])
        self.wait_for_event("UpgradeRolledBack", timeout=120)
        self.assert_consistent_on("genesis", "1.1.0")
        self.assertEqual(self.data_digest(), before, "the old version runs on its own data")


class NodeLeftDownTest(UpgradeTestCase):

    def leave_node_down(self):
        """What a rollback that found no usable backup writes."""
        record = {"since": "2026-12-01T10:00:00Z", "upgrade": "v2", "fromVersion": "1.1.0",
                  "toVersion": "1.2.0", "reason": "the backup is not a complete backup",
                  "backup": self.home + "/nymvisor/backups/v2/gone"}
        path = self.home + "/nymvisor/node-left-down.json"
        self.container.write_file(path, json.dumps(record))
        self.container.run(["chown", "nym:nym", path])

    def status(self):
        return json.loads(self.container.out(["nymvisor", "status", "--id", "mixnode", "-o",
                                              "json"]))

    def test_a_node_left_down_stays_down_across_a_reboot_until_released(self):
        c = self.container
        node, agent = NODE % "mixnode", AGENT % "mixnode"
        self.start_instance()
        c.run(["systemctl", "stop", agent, node])
        self.leave_node_down()
        c.reboot_same_tree()
        c.wait_for_journal(r"nymvisor agent started", unit=agent, timeout=60, extra_args=["-b"])
        event = self.wait_for_event("NodeLeftDown", timeout=30)
        self.assertEqual(event["PRIORITY"], "2", "critical")
        self.assertIn("nymvisor release-node", event["MESSAGE"])
        c.wait_for_journal(REFUSAL + r": the node must stay down", unit=node, timeout=30,
                           extra_args=["-b"])
        self.assertNotEqual(self.prop(node, "ActiveState"), "active")
        status = self.status()
        self.assertEqual(status["state"], "failed")
        self.assertIn("the backup is not a complete backup", status["nodeLeftDown"])
        text = c.out(["nymvisor", "status", "--id", "mixnode"])
        self.assertIn("Node down:", text)
        self.assertIn("release-node", text)
        c.run(["systemctl", "start", node], check=False)  # an operator's plain start
        wait_refused(c, node)

        released = c.out(["nymvisor", "release-node", "--id", "mixnode", "--start"])
        self.assertIn("the node may start again; starting it", released)
        c.wait_for_state(node, "active", timeout=30)
        self.wait_for_event("NodeReleased", timeout=30)
        self.assertIsNone(self.status()["nodeLeftDown"])
        again = c.run(["nymvisor", "release-node", "--id", "mixnode"], check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn(b"nothing to clear", again.stderr)

    def test_release_node_without_an_agent_clears_the_file(self):
        c = self.container
        node, agent = NODE % "mixnode", AGENT % "mixnode"
        self.start_instance()
        c.run(["systemctl", "stop", agent, node])
        self.leave_node_down()
        c.run(["systemctl", "start", node], check=False)
        wait_refused(c, node)
        out = c.out(["nymvisor", "release-node", "--id", "mixnode"])
        self.assertIn("may start again (no agent is running", out)
        c.run(["systemctl", "start", agent])
        c.wait_for_state(node, "active", timeout=30)
