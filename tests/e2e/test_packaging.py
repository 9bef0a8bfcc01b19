"""Issue: `systemctl enable --now nymvisor@mixnode` must work, from the .deb.

Scenarios: enable, reboot, remove and purge, restart on failure, and an
operator's own node unit. Each runs in a fresh real-systemd container.
"""

import json

from nymvisor_case import AGENT, NODE, NymvisorTestCase


class EnableTest(NymvisorTestCase):

    def test_enable_starts_agent_and_node_without_a_wrapper(self):
        c = self.container
        home = self.init_instance()
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        c.wait_for_state(AGENT % "mixnode", "active", timeout=30)
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         home + "/nymvisor/genesis/bin/nym-node")
        self.assertEqual(self.main_user(NODE % "mixnode"), "nym")
        self.assertEqual(self.prop(NODE % "mixnode", "UnitFileState"), "enabled")
        c.wait_for_journal(r"nymvisor agent started for nymvisor-daemon@mixnode\.service",
                           unit=AGENT % "mixnode")
        status = c.out(["systemctl", "status", "--no-pager", AGENT % "mixnode"], check=False)
        self.assertRegex(status, r'Status: "idle, running 1\.1\.0, next check \d\d:\d\d UTC')
        self.assertRegex(c.journal(NODE % "mixnode"),
                         r"nym-node\[\d+\]: fake-node 1\.1\.0 starting with --id mixnode")

    def test_installed_units_verify_cleanly(self):
        self.init_instance()
        result = self.container.run(["systemd-analyze", "verify", "--man=no", AGENT % "mixnode",
                                     NODE % "mixnode"], check=False)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertEqual(result.stderr.decode().strip(), "")

    def test_generator_applies_config_and_env_file_to_the_node_unit(self):
        c = self.container
        self.init_instance(flags=["--restart-daemon-on-failure",
                                  "--on-failure-daemon-restart-delay", "7s",
                                  "--max-daemon-startup-failures", "4",
                                  "--startup-period-duration", "3m",
                                  "--daemon-shutdown-grace-period", "25s"])
        props = c.show(NODE % "mixnode", "Restart", "RestartUSec", "StartLimitBurst",
                       "StartLimitIntervalUSec", "TimeoutStopUSec", "User", "KillSignal")
        self.assertEqual(props, {"Restart": "on-failure", "RestartUSec": "7s",
                                 "StartLimitBurst": "4", "StartLimitIntervalUSec": "3min",
                                 "TimeoutStopUSec": "25s", "User": "nym", "KillSignal": "2"})
        c.write_file("/etc/nymvisor/mixnode.env", "DAEMON_FAILURE_RESTART_DELAY=2s\n")
        c.run(["systemctl", "daemon-reload"])
        self.assertEqual(self.prop(NODE % "mixnode", "RestartUSec"), "2s")


class RebootTest(NymvisorTestCase):

    def test_both_units_come_back_after_a_reboot(self):
        c = self.container
        self.init_instance()
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        c.reboot_same_tree()
        c.wait_for_state(AGENT % "mixnode", "active", timeout=60)
        c.wait_for_state(NODE % "mixnode", "active", timeout=60)
        self.assertIn("genesis/bin/nym-node", self.main_exe(NODE % "mixnode"))


class RemoveTest(NymvisorTestCase):

    def start_instance(self):
        home = self.init_instance()
        self.container.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        self.container.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.container.write_file(home + "/data/keys.json", '{"secret": 1}\n', mode=0o600)
        return home

    def remove(self):
        """apt-get remove; returns what it printed (stdout and stderr)."""
        r = self.container.run(["apt-get", "remove", "-y", "nymvisor"], timeout=120)
        return r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")

    def test_remove_stops_the_instances_and_keeps_daemon_home(self):
        c = self.container
        home = self.start_instance()
        before = self.tree_digest(home)
        out = self.remove()
        # The prerm says what it does, naming the instance, before it does it.
        self.assertIn("nymvisor: instance 'mixnode': its agent nymvisor@mixnode.service stops "
                      "now.", out)
        self.assertIn("its node (nymvisor-daemon@mixnode.service) stops now and cannot start "
                      "again without nymvisor", out)
        self.assertIn("runs %s/nymvisor/current/bin/nym-node" % home, out)
        for unit in (AGENT % "mixnode", NODE % "mixnode"):
            self.assertIn(self.prop(unit, "ActiveState"), ("inactive", "failed"), unit)
        self.assertEqual(c.out("pgrep -x nym-node || true"), "", "no node process is left")
        self.assertEqual(self.tree_digest(home), before)
        self.assertTrue(c.run(["test", "-f", "/etc/nymvisor/mixnode.toml"], check=False)
                        .returncode == 0, "remove keeps the instance config")

    def test_a_node_moved_to_a_plain_unit_keeps_running_through_remove(self):
        """The operator guide's way back to a plain unit (section 14), then
        remove: the node runs on from its own unit, as its account."""
        c = self.container
        home = self.start_instance()
        c.write_file("/etc/systemd/system/nym-node.service",
                     "[Unit]\nDescription=Nym node\n\n[Service]\nUser=nym\n"
                     "ExecStart=/usr/local/bin/nym-node run --id mixnode\nKillSignal=SIGINT\n"
                     "Restart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n")
        c.sh("install -m 0755 %s/nymvisor/current/bin/nym-node /usr/local/bin/nym-node && "
             "systemctl disable --now nymvisor@mixnode nymvisor-daemon@mixnode && "
             "systemctl daemon-reload && systemctl enable --now nym-node.service" % home)
        c.wait_for_state("nym-node.service", "active", timeout=30)
        out = self.remove()
        self.assertIn("nymvisor:   it is not enabled (it does not start at boot); if its node "
                      "still runs in nymvisor-daemon@mixnode.service, it stops now.", out)
        self.assertEqual(self.prop("nym-node.service", "ActiveState"), "active")
        self.assertEqual(self.main_exe("nym-node.service"), "/usr/local/bin/nym-node")
        self.assertEqual(self.main_user("nym-node.service"), "nym")
        info = json.loads(c.out(["/usr/local/bin/nym-node", "--no-banner", "build-info",
                                 "--output=json"]))
        self.assertEqual(info["build_version"], "1.1.0")

    def test_purge_keeps_node_data_and_removes_config(self):
        c = self.container
        home = self.start_instance()
        before = self.tree_digest(home)
        c.run(["apt-get", "purge", "-y", "nymvisor"], timeout=120)
        self.assertEqual(self.tree_digest(home), before)
        self.assertNotEqual(c.run(["test", "-e", "/etc/nymvisor"], check=False).returncode, 0)
        links = c.out("find /etc/systemd/system -name 'nymvisor*' -type l")
        self.assertEqual(links, "", "purge removes the instances' enablement links")


class RemoveAdoptedTest(NymvisorTestCase):
    """Removal with an adopted node unit: the node keeps running, and the
    warning's promise holds: its next start runs the unit's older binary."""

    def test_remove_warns_that_an_adopted_unit_falls_back_to_its_binary(self):
        c = self.container
        home = "/root/.nym/nym-nodes/default-nym-node"
        self.stamp("/root/nym-binaries/nym-node", version="1.1.0")
        c.run(["mkdir", "-p", home])
        c.write_file("/etc/systemd/system/nym-node.service",
                     "[Service]\nExecStart=/root/nym-binaries/nym-node run --mode mixnode\n"
                     "KillSignal=SIGINT\n\n[Install]\nWantedBy=multi-user.target\n")
        c.run(["systemctl", "daemon-reload"])
        c.run(["nymvisor", "adopt", "--daemon-unit", "nym-node.service"], timeout=120)
        c.run(["systemctl", "enable", "--now", "nym-node.service", AGENT % "nym-node"])
        c.wait_for_state("nym-node.service", "active", timeout=30)
        self.assertEqual(self.main_exe("nym-node.service"),
                         home + "/nymvisor/genesis/bin/nym-node")

        r = c.run(["apt-get", "remove", "-y", "nymvisor"], timeout=120)
        out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
        self.assertIn("nymvisor: instance 'nym-node': its agent nymvisor@nym-node.service stops "
                      "now.", out)
        self.assertIn("nym-node.service (adopted) keeps its node running until its next start, "
                      "then falls back to its older binary /root/nym-binaries/nym-node.", out)
        self.assertIn("'install -m 0755 %s/nymvisor/current/bin/nym-node "
                      "/root/nym-binaries/nym-node'" % home, out)
        self.assertIn("nymvisor adopt --undo --id nym-node", out)
        self.assertEqual(self.prop("nym-node.service", "ActiveState"), "active",
                         "the adopted unit is not stopped")
        c.run(["systemctl", "restart", "nym-node.service"])
        c.wait_for_state("nym-node.service", "active", timeout=30)
        self.assertEqual(self.main_exe("nym-node.service"), "/root/nym-binaries/nym-node")


class RestartOnFailureTest(NymvisorTestCase):

    def test_a_crashed_node_is_restarted_by_default(self):
        c = self.container
        self.init_instance()  # no restart flag: the default, as the seed documents
        self.assertEqual(c.show(NODE % "mixnode", "Restart", "RestartUSec"),
                         {"Restart": "on-failure", "RestartUSec": "10s"})
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        pid = self.prop(NODE % "mixnode", "MainPID")
        c.run(["kill", "-SEGV", pid])  # the node crashes
        after = c.wait_for(
            lambda: c.show(NODE % "mixnode", "ActiveState", "SubState", "NRestarts", "MainPID"),
            timeout=60, what="systemd to restart the crashed node",
            until=lambda p: p["NRestarts"] == "1" and p["ActiveState"] == "active"
            and p["MainPID"] not in ("0", pid))
        self.assertEqual(after["SubState"], "running")
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         "/var/lib/nym/mixnode/nymvisor/genesis/bin/nym-node")
        # An operator who wants it off says so, as the original's variable.
        c.write_file("/etc/nymvisor/mixnode.env", "DAEMON_RESTART_ON_FAILURE=false\n")
        c.run(["systemctl", "daemon-reload"])
        self.assertEqual(self.prop(NODE % "mixnode", "Restart"), "no")

    def test_failing_node_is_restarted_then_given_up(self):
        c = self.container
        node = self.stamp("/opt/dist/broken/nym-node", version="1.1.0", exit_at_start=1)
        self.init_instance(node=node, flags=["--restart-daemon-on-failure",
                                             "--on-failure-daemon-restart-delay", "1s",
                                             "--max-daemon-startup-failures", "3",
                                             "--startup-period-duration", "2m"])
        c.run(["systemctl", "start", "--no-block", NODE % "mixnode"])
        final = c.wait_for(
            lambda: c.show(NODE % "mixnode", "ActiveState", "SubState", "Result", "NRestarts",
                           "Job"),
            timeout=60, what="the node to give up after 3 failed starts",
            until=lambda p: p["ActiveState"] == "failed" and p["Job"] in ("", "0"))
        self.assertEqual(final["Result"], "exit-code")
        self.assertEqual(final["NRestarts"], "3")
        starts = c.journal(NODE % "mixnode").count("failing at start as configured")
        self.assertEqual(starts, 3, "initial start plus two restarts, then the limit")
        times = c.out("journalctl -u %s -o short-unix --no-pager | grep 'failing at start' "
                      "| cut -d' ' -f1" % (NODE % "mixnode")).split()
        gaps = [float(b) - float(a) for a, b in zip(times, times[1:])]
        self.assertTrue(all(g >= 1.0 for g in gaps), "restarts wait RestartSec=1s: %s" % gaps)


class OperatorUnitTest(NymvisorTestCase):

    def test_daemon_unit_points_an_existing_unit_at_nymvisor_exec(self):
        c = self.container
        c.write_file("/etc/systemd/system/nym-node.service",
                     "[Unit]\nDescription=operator's own nym-node\n\n[Service]\n"
                     "ExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n")
        home = self.init_instance(flags=["--daemon-unit", "nym-node.service"])
        c.run(["systemctl", "enable", "--now", "nym-node.service", AGENT % "mixnode"])
        c.wait_for_state("nym-node.service", "active", timeout=30)
        self.assertEqual(self.main_exe("nym-node.service"),
                         home + "/nymvisor/genesis/bin/nym-node")
        self.assertEqual(self.main_user("nym-node.service"), "nym")
        self.assertEqual(self.prop(NODE % "mixnode", "ActiveState"), "inactive",
                         "the template instance must not run a second node")
        dropin = c.out(["systemctl", "cat", "nym-node.service"])
        self.assertIn("ExecStart=/usr/bin/nymvisor exec mixnode", dropin)
