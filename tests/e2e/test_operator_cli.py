"""The installed CLI used as an operator uses it, mistakes included."""

from nymvisor_case import AGENT, NODE, NymvisorTestCase


class OperatorMistakesTest(NymvisorTestCase):

    def nymvisor(self, *args):
        r = self.container.run(["nymvisor"] + list(args), check=False)
        return r.returncode, r.stdout.decode(), r.stderr.decode()

    def test_usage_errors_name_the_problem_and_a_second_agent_is_refused(self):
        c = self.container
        rc, out, err = self.nymvisor("init")
        self.assertEqual((rc, out), (2, ""))
        self.assertIn("error: nymvisor init: DAEMON_BINARY is required", err)
        self.assertIn("Usage: nymvisor init [OPTIONS] DAEMON_BINARY", err)
        rc, _, err = self.nymvisor("--bogus")
        self.assertEqual(rc, 2)
        self.assertIn("unknown option '--bogus'", err)
        rc, out, _ = self.nymvisor("help", "add-upgrade")
        self.assertEqual(rc, 0)
        self.assertIn("--upgrade-delay DURATION", out)

        self.init_instance()
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        # A second agent, started from a shell, is refused and names the first.
        rc, _, err = self.nymvisor("run", "--id", "mixnode")
        self.assertEqual(rc, 1, err)
        self.assertIn("another nymvisor agent runs for instance 'mixnode' (pid %s, in %s"
                      % (self.prop(AGENT % "mixnode", "MainPID"), AGENT % "mixnode"), err)
        self.assertEqual(self.prop(AGENT % "mixnode", "ActiveState"), "active")

        # A config change on the running agent: init says what applies it.
        rc, _, err = self.nymvisor("init", "--id", "mixnode", "--daemon-home",
                                   "/var/lib/nym/mixnode", "--upstream-base-upgrade-url",
                                   "http://127.0.0.1:9/", "--upstream-polling-rate", "2h",
                                   "/opt/dist/1.1.0/nym-node", "--", "run", "--id", "mixnode")
        self.assertEqual(rc, 0, err)
        self.assertIn("the running agent reloaded its config and now uses the new "
                      "nymvisor.upstream_polling_rate", err)
        c.wait_for_journal(r"config reloaded; changed: nymvisor.upstream_polling_rate",
                           unit=AGENT % "mixnode", timeout=20)
        rc, _, err = self.nymvisor("init", "--id", "mixnode", "--daemon-home",
                                   "/var/lib/nym/mixnode", "--upstream-base-upgrade-url",
                                   "http://127.0.0.1:9/", "--upstream-polling-rate", "2h",
                                   "--daemon-backup-data-directory", "/var/lib/nym/backups",
                                   "/opt/dist/1.1.0/nym-node", "--", "run", "--id", "mixnode")
        self.assertEqual(rc, 0, err)
        self.assertIn("daemon.backup_data_directory changed, which a reload cannot apply: "
                      "restart the agent (systemctl restart nymvisor@mixnode)", err)
