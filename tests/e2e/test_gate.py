"""The gate before the stop, end to end: an operator's busy check and pre-
and post-upgrade commands (daemon.busy_check, busy_deadline,
pre_upgrade_command, post_upgrade_command), run by the real agent as the
node's account inside its sandbox, each in a fresh real-systemd container
with a loopback upstream.
"""

import json

from nymvisor_case import AGENT, NODE, UpgradeTestCase

BUSY = "/usr/local/bin/e2e-busy-check"
PRE = "/usr/local/bin/e2e-pre-upgrade"
ALLOW = "/etc/e2e-gate-allow"  # readable inside the agent's ProtectSystem=strict


class GateTestCase(UpgradeTestCase):

    def script(self, path, body):
        """A root-owned script at `path`, as an operator would install one."""
        self.container.write_file(path, "#!/bin/sh\n" + body + "\n", mode=0o755)

    def hook_output(self, key):
        """[(stream, text)] of what the agent journalled of command `key`."""
        out = self.container.out(["journalctl", "-u", AGENT % "mixnode", "-o", "json",
                                  "--no-pager", "NYMVISOR_HOOK=" + key])
        return [(e.get("NYMVISOR_HOOK_STREAM"), e["MESSAGE"])
                for e in map(json.loads, out.splitlines())]

    def history(self):
        return self.read_json(self.home + "/nymvisor/upgrade-history.json")["history"]


class BusyTest(GateTestCase):

    def test_a_busy_check_postpones_until_its_deadline(self):
        self.script(BUSY, 'echo "busy as $(id -un), pending $NYMVISOR_UPGRADE_NAME"; exit 1')
        self.start_instance(flags=["--busy-check", BUSY + " --verbose", "--busy-deadline", "30s"])
        before = self.prop(NODE % "mixnode", "InvocationID")
        self.publish("v2", "1.2.0", in_seconds=0)
        postponed = self.wait_for_event("UpgradePostponed", timeout=40)
        self.assertIn("the node is busy", postponed["NYMVISOR_REASON"])
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), before,
                         "a busy node is not stopped")
        self.assertIsNone(self.state_step(), "nothing is in flight while postponed")
        said = [text for stream, text in self.hook_output("busy_check") if stream == "stdout"]
        self.assertTrue(said, "its output is journalled")
        self.assertIn("busy as nym, pending v2", said[0],
                      "it ran as the node's account and was told the upgrade")
        passed = self.wait_for_event("BusyDeadlinePassed", timeout=90)
        self.assertIn("upgrading anyway", passed["NYMVISOR_REASON"])
        self.wait_for_event("UpgradeSucceeded", timeout=60)
        self.assertGreaterEqual(len(self.hook_output("busy_check")), 2, "asked again")
        events = [n for n, _, _ in self.agent_events()]
        self.assertLess(events.index("UpgradePostponed"), events.index("BusyDeadlinePassed"))
        self.assertLess(events.index("BusyDeadlinePassed"), events.index("UpgradeStarted"))

    def test_a_busy_node_is_upgraded_once_it_is_idle(self):
        self.script(BUSY, "[ -e %s ] && exit 0; exit 1" % ALLOW)
        self.start_instance(flags=["--busy-check", BUSY])
        self.publish("v2", "1.2.0", in_seconds=0)
        self.wait_for_event("UpgradePostponed", timeout=40)
        self.assertIn("v2 postponed: the node is busy", self.prop(AGENT % "mixnode", "StatusText"))
        status = json.loads(self.container.out(["nymvisor", "status", "--id", "mixnode",
                                                "-o", "json"]))
        self.assertIn("postponed: the node is busy", status["lastOutcome"])
        self.container.write_file(ALLOW, "")
        self.wait_for_event("UpgradeSucceeded", timeout=100)
        self.assertNotIn("BusyDeadlinePassed", [n for n, _, _ in self.agent_events()])


class PreHookTest(GateTestCase):

    def test_a_refusing_pre_hook_never_stops_the_node(self):
        self.script(PRE, "[ -e %s ] && exit 0; echo 'not while the disk is full' >&2; exit 3"
                    % ALLOW)
        self.start_instance(flags=["--pre-upgrade-command", PRE])
        before = self.prop(NODE % "mixnode", "InvocationID")
        self.publish("v2", "1.2.0", in_seconds=0)
        refused = self.wait_for_event("HookRefused", timeout=40)
        self.assertEqual(refused["NYMVISOR_REASON"], "pre_upgrade_command exited with status 3 "
                         "(last output: not while the disk is full)")
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), before)
        self.assertEqual(self.prop(NODE % "mixnode", "ActiveState"), "active")
        self.assertEqual(self.history()[-1]["outcome"], "refused")
        self.assertIsNone(self.state_step())
        # Upstream keeps offering v2: it stays refused until the operator clears it.
        self.container.sh("sleep 5")
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), before)
        self.assertEqual(len([n for n, _, _ in self.agent_events() if n == "UpgradeStarted"]), 0)
        self.container.write_file(ALLOW, "")
        self.container.run(["nymvisor", "check", "--id", "mixnode"])
        self.wait_for_event("UpgradeSucceeded", timeout=60)
        self.assertIn("clearedAt", self.history()[0])
        self.assertEqual(self.history()[-1]["info"]["name"], "v2")

    def test_apply_now_runs_the_pre_hook_and_says_why_it_refused(self):
        self.script(PRE, "[ -e %s ] && exit 0; echo 'not while the disk is full' >&2; exit 3"
                    % ALLOW)
        self.start_instance(flags=["--pre-upgrade-command", PRE])
        before = self.prop(NODE % "mixnode", "InvocationID")
        self.publish("v2", "1.2.0", in_seconds=3600)  # staged, due in an hour
        self.wait_for_event("UpgradeStaged", timeout=30)
        refused = self.container.run(["nymvisor", "apply-now", "--id", "mixnode"], check=False)
        out = refused.stdout.decode()
        self.assertEqual(refused.returncode, 1, out + refused.stderr.decode())
        self.assertIn("upgrade v2: pre_upgrade_command runs first", out)
        self.assertIn("upgrade v2 not started: refused (pre_upgrade_command exited with status "
                      "3 (last output: not while the disk is full))", out)
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), before,
                         "apply-now did not skip the hook")
        self.assertEqual(self.history()[-1]["outcome"], "refused")
        self.container.write_file(ALLOW, "")
        self.container.run(["nymvisor", "check", "--id", "mixnode"])  # clears the refusal
        self.container.wait_for(
            lambda: len([e for e in self.agent_events() if e[0] == "UpgradeStaged"]) >= 2, 60,
            "v2 to be queued and staged again")
        done = self.container.run(["nymvisor", "apply-now", "--id", "mixnode", "--wait",
                                   "--timeout", "90s"], check=False)
        self.assertEqual(done.returncode, 0, done.stdout.decode() + done.stderr.decode())
        self.assertIn("v2: completed", done.stdout.decode())

    def test_a_hanging_pre_hook_is_a_named_failure(self):
        self.script(PRE, "sleep 600")
        self.start_instance(flags=["--pre-upgrade-command", PRE])
        before = self.prop(NODE % "mixnode", "InvocationID")
        self.publish("v2", "1.2.0", in_seconds=0)
        refused = self.wait_for_event("HookRefused", timeout=120)
        self.assertEqual(refused["NYMVISOR_REASON"],
                         "pre_upgrade_command did not finish within 1m and was killed")
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), before)
        self.assertEqual(self.prop(NODE % "mixnode", "ActiveState"), "active")
        self.assertEqual(self.container.run(["pgrep", "-f", "sleep 600"], check=False).returncode,
                         1, "the hook's process group was killed")


class PostHookTest(GateTestCase):

    def env_of(self, outcome):
        """The environment a post-upgrade run printed for `outcome` (a dict)."""
        def find():
            for stream, text in self.hook_output("post_upgrade_command"):
                lines = text.split("\n")[1:]
                env = dict(l.split("=", 1) for l in lines if "=" in l)
                if env.get("NYMVISOR_OUTCOME") == outcome:
                    return env
            return None
        return self.container.wait_for(find, 30, "the post hook to see " + outcome)

    def test_the_post_hook_sees_a_commit_and_a_rollback_with_the_right_variables(self):
        self.start_instance(flags=["--post-upgrade-command", "/usr/bin/env"])
        self.publish("v2", "1.2.0", in_seconds=0)
        self.wait_for_event("UpgradeSucceeded", timeout=60)
        env = self.env_of("committed")
        self.assertEqual((env["NYMVISOR_ID"], env["NYMVISOR_UPGRADE_NAME"],
                          env["NYMVISOR_FROM_VERSION"], env["NYMVISOR_TO_VERSION"],
                          env["NYMVISOR_REASON"]), ("mixnode", "v2", "1.1.0", "1.2.0", ""))
        for secret in ("NOTIFY_SOCKET", "CREDENTIALS_DIRECTORY", "INVOCATION_ID",
                       "WATCHDOG_USEC"):
            self.assertNotIn(secret, env, "the environment is rebuilt, not inherited")

        self.publish("v3", "1.3.0", in_seconds=0, crash_after_seconds=2)
        self.wait_for_event("UpgradeRolledBack", timeout=90)
        env = self.env_of("rolled-back")
        self.assertEqual((env["NYMVISOR_UPGRADE_NAME"], env["NYMVISOR_FROM_VERSION"],
                          env["NYMVISOR_TO_VERSION"]), ("v3", "1.2.0", "1.3.0"))
        self.assertRegex(env["NYMVISOR_REASON"], r"^the (unit|node) failed")
