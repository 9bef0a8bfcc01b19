"""The control API end to end: the agent on the bus as the node's account,
`nymvisor status` and `history`, hold/resume/skip/rollback, the polkit
checks of every mutating method (denials as well as grants), the limits of
the agent's account, the metrics textfile, and a node that runs as root.
"""

import json
import re
import shutil
import subprocess
import tempfile
import time

from nymvisor_case import AGENT, NODE, UpgradeTestCase

BUS_NAME = "net.nymtech.Nymvisor1.mixnode"
OBJECT = "/net/nymtech/Nymvisor1"
IFACE = "net.nymtech.Nymvisor1"
# Every mutating method with its busctl signature and arguments.
MUTATING = [("CheckNow", []), ("ApplyNow", []), ("Hold", ["s", "because"]), ("Resume", []),
            ("Skip", ["s", "v2"]), ("Rollback", ["s", ""]), ("Reload", []),
            ("ReleaseNode", ["b", "false"])]


class ControlTestCase(UpgradeTestCase):
    health_period = "3s"

    def nymvisor(self, *args, user=None, check=True, timeout=120):
        """Run the CLI (as `user` when given); return the CompletedProcess."""
        cmd = ["nymvisor"] + list(args)
        if user:
            cmd = ["runuser", "-u", user, "--"] + cmd
        return self.container.run(cmd, check=check, timeout=timeout)

    def status(self, user=None):
        return json.loads(self.nymvisor("status", "--id", "mixnode", "-o", "json",
                                        user=user).stdout)

    def busctl_call(self, user, method, args):
        cmd = ["busctl", "call", BUS_NAME, OBJECT, IFACE, method] + args
        if user:
            cmd = ["runuser", "-u", user, "--"] + cmd
        return self.container.run(cmd, check=False)

    def history(self):
        return self.read_json(self.home + "/nymvisor/upgrade-history.json")["history"]

    def upgrades_started(self):
        return len([e for e in self.agent_events() if e[0] == "UpgradeStarted"])


class BusTest(ControlTestCase):

    def test_the_agent_serves_its_interface_as_the_nodes_account(self):
        c = self.container
        self.start_instance()
        self.assertIn(BUS_NAME, c.out("busctl list | grep -i nymvisor"))
        self.assertEqual(self.main_user(AGENT % "mixnode"), "nym")
        pid = self.prop(AGENT % "mixnode", "MainPID")
        self.assertIn("CapEff:\t0000000000000000", c.out("grep CapEff /proc/%s/status" % pid))
        introspection = c.out(["busctl", "introspect", BUS_NAME, OBJECT, IFACE])
        for member in ["GetStatus", "CheckNow", "ApplyNow", "Hold", "Resume", "Skip",
                       "Rollback", "Reload", "UpgradeStarted", "UpgradeFinished", "State",
                       "CurrentVersion", "NextUpgradeTime", "Held", "Progress",
                       "LastDowntimeUsec"]:
            self.assertIn(member, introspection)
        state = c.out(["busctl", "get-property", BUS_NAME, OBJECT, IFACE, "State"])
        self.assertEqual(state, 's "idle"')

    def test_status_agrees_with_the_files_and_works_without_the_agent(self):
        c = self.container
        self.start_instance()
        status = self.status()
        current = self.read_json(self.home + "/nymvisor/current-version.json")
        self.assertEqual(status["source"], "agent")
        self.assertEqual(status["currentVersion"], current["version"])
        self.assertEqual(status["currentUpgrade"], current["name"])
        self.assertEqual(status["nodeUnit"], NODE % "mixnode")
        self.assertIn(status["state"], ["idle", "checking"])
        text = self.nymvisor("status", "--id", "mixnode").stdout.decode()
        self.assertIn("Running: 1.1.0 (genesis)", text)
        self.assertIn("nymvisor@mixnode - upgrade agent of nymvisor-daemon@mixnode.service", text)
        c.run(["systemctl", "stop", AGENT % "mixnode"])
        offline = self.nymvisor("status", "--id", "mixnode")
        self.assertIn(b"reading its files instead", offline.stderr)
        self.assertIn(b"State: not running (read from the files)", offline.stdout)
        self.assertEqual(self.status()["source"], "files")
        self.assertEqual(self.nymvisor("history", "--id", "mixnode").stdout, b"no upgrades yet\n")


class HoldSkipTest(ControlTestCase):

    def test_a_hold_blocks_a_due_upgrade_across_a_restart_and_resume_applies_it(self):
        c = self.container
        self.start_instance()
        invocation = self.prop(NODE % "mixnode", "InvocationID")
        self.nymvisor("hold", "--id", "mixnode", "--reason", "waiting for the epoch")
        self.assertTrue(self.status()["held"])
        self.publish("v2", "1.2.0", in_seconds=0)
        self.wait_for_event("UpgradeStaged", timeout=30)
        time.sleep(4)  # several polls and the due time pass
        self.assertEqual(self.upgrades_started(), 0, "nothing is applied while held")
        c.run(["systemctl", "restart", AGENT % "mixnode"])
        c.wait_for_journal(r"upgrades are held since", unit=AGENT % "mixnode")
        time.sleep(4)
        self.assertEqual(self.upgrades_started(), 0, "the hold survives a restart")
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), invocation)
        self.assertEqual(self.status()["state"], "held")
        done = self.nymvisor("resume", "--id", "mixnode", "--wait", "--timeout", "90s")
        self.assertIn(b"v2: completed", done.stdout)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/upgrades/v2/bin/nym-node")
        self.assertFalse(self.status()["held"])

    def test_a_skipped_upgrade_is_recorded_and_the_node_is_never_stopped(self):
        self.start_instance()
        invocation = self.prop(NODE % "mixnode", "InvocationID")
        self.publish("v2", "1.2.0", in_seconds=30)
        self.wait_for_event("UpgradeStaged", timeout=30)
        refused = self.nymvisor("skip", "--id", "mixnode", "v9", check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn(b"no queued upgrade is named 'v9'", refused.stderr)
        self.nymvisor("skip", "--id", "mixnode", "v2")
        self.wait_for_event("UpgradeSkipped")
        self.assertEqual(self.history()[-1]["outcome"], "skipped")
        self.assertIn("skipped by uid 0 (root)", self.history()[-1]["reason"])
        time.sleep(6)  # upstream still offers it, polled every 2 s
        self.assertEqual(self.read_json(self.home + "/nymvisor/upgrade-plan.json")["queuedUp"], [])
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), invocation,
                         "the node was never stopped")
        listing = self.nymvisor("history", "--id", "mixnode").stdout.decode()
        self.assertIn("skipped", listing)


class RollbackTest(ControlTestCase):

    def test_rollback_restores_the_previous_version_and_its_data(self):
        c = self.container
        self.start_instance()
        before = self.data_digest()
        self.publish("v2", "1.2.0", in_seconds=0, mutate_file=self.home + "/data/state.db")
        self.wait_for_event("UpgradeSucceeded", timeout=90)
        self.assertNotEqual(self.data_digest(), before, "v2 changed the data")
        done = self.nymvisor("rollback", "--id", "mixnode", "--wait", "--timeout", "90s")
        self.assertIn(b"rolling back from 1.2.0 to 1.1.0", done.stdout)
        self.assertIn(b"reverted", done.stdout)
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/genesis/bin/nym-node")
        self.assertEqual(self.data_digest(), before, "the data is what 1.1.0 had")
        outcomes = [(h["info"]["name"], h.get("outcome", "completed")) for h in self.history()]
        self.assertEqual(outcomes[-2:], [("v2", "reverted"), ("genesis", "completed")])
        self.wait_for_event("RolledBackOnRequest")
        time.sleep(5)  # upstream still offers v2: a reverted upgrade is not queued again
        self.assertEqual(self.read_json(self.home + "/nymvisor/upgrade-plan.json")["queuedUp"], [])
        again = self.nymvisor("rollback", "--id", "mixnode", check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn(b"no earlier version to go back to", again.stderr)


    def test_a_second_rollback_restores_the_data_from_before_the_upgrade_it_undoes(self):
        c = self.container
        self.start_instance()
        before_v2 = self.data_digest()
        state = self.home + "/data/state.db"
        self.publish("v2", "1.2.0", in_seconds=0, mutate_file=state)
        self.wait_for_event("UpgradeSucceeded", timeout=90)
        self.publish("v3", "1.3.0", in_seconds=0, mutate_file=state)
        c.wait_for(lambda: len([e for e in self.agent_events()
                                if e[0] == "UpgradeSucceeded"]) == 2, 90, "v3 to be applied")
        self.assertIn("1.3.0", c.out("cat %s" % state))
        done = self.nymvisor("rollback", "--id", "mixnode", "--wait", "--timeout", "90s")
        self.assertIn(b"rolling back from 1.3.0 to 1.2.0", done.stdout)
        done = self.nymvisor("rollback", "--id", "mixnode", "--wait", "--timeout", "90s")
        self.assertIn(b"rolling back from 1.2.0 to 1.1.0", done.stdout)
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/genesis/bin/nym-node")
        self.assertEqual(self.data_digest(), before_v2,
                         "the data from just before 1.2.0, not what 1.3.0 left")
        # The first rollback's own copy of 1.3.0's data was kept apart, and
        # pruned: no version to return to needs it.
        rollback_copies = self.home + "/nymvisor/backups/.rollback-to-v2"
        self.assertEqual(c.run(["test", "-d", rollback_copies], check=False).returncode, 0)
        self.assertEqual(c.out(["ls", "-A", rollback_copies]).strip(), "")
        history = self.history()
        self.assertEqual(history[-1]["info"]["name"], "genesis")
        self.assertTrue(history[-3]["backup"].startswith(self.home + "/nymvisor/backups/v2/"),
                        history[-3])


class PrivilegeTest(ControlTestCase):

    def test_every_mutating_method_is_refused_to_an_unprivileged_caller(self):
        c = self.container
        c.run(["useradd", "--create-home", "alice"])
        self.start_instance()
        for method, args in MUTATING:
            for user in ["alice", "nym"]:
                r = self.busctl_call(user, method, args)
                self.assertNotEqual(r.returncode, 0, "%s by %s was allowed" % (method, user))
                # busctl shows AccessDenied as "Access denied" without its text
                self.assertIn(b"Access denied", r.stderr, (method, user, r.stderr))
        refusals = c.out(["journalctl", "-u", AGENT % "mixnode", "--no-pager", "-o", "cat",
                          "--grep", "refused to uid"])
        for method, _ in MUTATING:
            for who in ["(alice)", "(nym)"]:
                self.assertIn("%s refused to uid" % method, refusals)
                self.assertRegex(refusals, r"%s refused to uid \d+ %s" % (method, re.escape(who)))
        self.assertFalse(self.status()["held"], "nothing was held")
        denied = self.nymvisor("hold", "--id", "mixnode", user="alice", check=False)
        self.assertEqual(denied.returncode, 1)
        self.assertIn(b"error: access denied: Hold needs the polkit action "
                      b"net.nymtech.nymvisor1.hold for instance mixnode", denied.stderr)
        # Reading is open to everyone.
        self.assertEqual(self.status(user="alice")["currentVersion"], "1.1.0")
        self.assertEqual(c.out(["runuser", "-u", "alice", "--", "busctl", "get-property",
                                BUS_NAME, OBJECT, IFACE, "CurrentVersion"]), 's "1.1.0"')
        # Root may.
        self.assertEqual(self.busctl_call(None, "Hold", ["s", "root"]).returncode, 0)

    def test_a_polkit_rule_can_grant_one_method_of_one_instance_to_a_group(self):
        c = self.container
        c.run(["groupadd", "nymops"])
        c.run(["useradd", "--create-home", "--groups", "nymops", "alice"])
        c.write_file("/etc/polkit-1/rules.d/70-nymops.rules", """
polkit.addRule(function(action, subject) {
    if (action.id == "net.nymtech.nymvisor1.hold" &&
        action.lookup("instance") == "mixnode" && subject.isInGroup("nymops"))
        return polkit.Result.YES;
});
""")
        self.start_instance()
        time.sleep(1)  # polkitd reloads its rules
        self.nymvisor("hold", "--id", "mixnode", "--reason", "ops", user="alice")
        self.assertTrue(self.status()["held"])
        self.assertIn("uid", self.read_json(self.home + "/nymvisor/hold")["by"])
        self.assertIn("alice", self.read_json(self.home + "/nymvisor/hold")["by"])
        skip = self.busctl_call("alice", "Skip", ["s", "v2"])
        self.assertIn(b"Access denied", skip.stderr, "only hold was granted")

    def test_the_agents_account_controls_its_node_and_no_other_unit(self):
        c = self.container
        c.write_file("/etc/systemd/system/bystander.service",
                     "[Service]\nExecStart=/bin/sleep infinity\n")
        c.run(["systemctl", "daemon-reload"])
        c.run(["systemctl", "start", "bystander.service"])
        self.start_instance()
        for unit in ["bystander.service", AGENT % "mixnode", "nymvisor-daemon@other.service"]:
            r = c.run(["runuser", "-u", "nym", "--", "systemctl", "--no-ask-password", "stop",
                       unit], check=False)
            self.assertNotEqual(r.returncode, 0, "nym stopped %s" % unit)
        self.assertEqual(self.prop("bystander.service", "ActiveState"), "active")
        c.run(["runuser", "-u", "nym", "--", "systemctl", "--no-ask-password", "restart",
               NODE % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)


class MetricsTest(ControlTestCase):

    def test_the_metrics_file_parses_and_its_counters_move(self):
        c = self.container
        textfile = "/var/lib/prometheus/node-exporter/nymvisor-mixnode.prom"
        self.start_instance(flags=["--metrics-textfile", textfile])  # init makes the directory
        c.wait_for(lambda: c.run(["test", "-s", textfile], check=False).returncode == 0, 30,
                   "the metrics file")
        before = c.read_file(textfile).decode()
        self.assertIn('nymvisor_upgrades_applied_total{instance="mixnode"} 0', before)
        self.assertIn('nymvisor_build_info{instance="mixnode",version="1.1.0"', before)
        self.publish("v2", "1.2.0", in_seconds=0)
        self.wait_for_event("UpgradeSucceeded", timeout=90)
        c.wait_for(lambda: 'applied_total{instance="mixnode"} 1' in
                   c.read_file(textfile).decode(), 30, "the counter to move")
        after = c.read_file(textfile).decode()
        self.assertIn('version="1.2.0"', after)
        self.assertRegex(after, r'nymvisor_last_upgrade_downtime_seconds\{instance="mixnode"\} '
                                r'0\.\d+')
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool (Debian's prometheus package) is installed")
        check = subprocess.run([promtool, "check", "metrics"], input=after.encode(),
                               capture_output=True, timeout=60)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        # The packaged alerting rules use the names this file really has
        # (versions_behind is github only: test_github checks it; the fleet's
        # halt metric comes with the fleet rollout).
        rules = c.read_file("/usr/share/doc/nymvisor/examples/nymvisor-alerts.yml").decode()
        used = set(re.findall(r"\bnymvisor_[a-z_]+", rules))
        written = set(re.findall(r"^(nymvisor_[a-z_]+)\{", after, re.M))
        self.assertIn("nymvisor_poll_interval_seconds", written)
        self.assertEqual(used - written, {"nymvisor_fleet_halted", "nymvisor_versions_behind"})
        with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
            f.write(rules)
            f.flush()
            check = subprocess.run([promtool, "check", "rules", f.name], capture_output=True,
                                   timeout=60)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)


class RootNodeTest(ControlTestCase):

    def test_a_root_node_has_a_root_agent_that_says_so_and_still_checks_callers(self):
        c = self.container
        c.run(["useradd", "--create-home", "alice"])
        home = "/root/nymnode"
        c.run(["mkdir", "-p", home])
        node = self.stamp("/opt/dist/1.1.0/nym-node", version="1.1.0")
        init = c.run(["nymvisor", "init", "--id", "mixnode", "--daemon-home", home,
                      "--upstream-base-upgrade-url", self.upstream.http_url + "/", node,
                      "--", "run"])
        self.assertIn(b"the node runs as root, so its agent must run as root too", init.stderr)
        self.assertIn(b"--daemon-user nym", init.stderr)
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        c.wait_for(lambda: BUS_NAME in c.out("busctl list"), 30, "the bus name")
        self.assertEqual(self.main_user(AGENT % "mixnode"), "root")
        self.assertEqual(self.status()["currentVersion"], "1.1.0")
        r = self.busctl_call("alice", "Hold", ["s", "x"])
        self.assertIn(b"Access denied", r.stderr)
