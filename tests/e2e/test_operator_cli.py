"""The installed CLI used as an operator uses it, mistakes included."""

import json

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


class OneInstanceTest(NymvisorTestCase):
    """--id, NYMVISOR_ID and NYMVISOR_CONFIG_PATH name one instance; a re-run
    of init changes only what it names."""

    def nymvisor(self, *args, env=()):
        cmd = ["env"] + list(env) + ["nymvisor"] + list(args)
        r = self.container.run(cmd, check=False, timeout=30)
        return r.returncode, r.stdout.decode(), r.stderr.decode()

    def config(self, instance):
        rc, out, err = self.nymvisor("config", "--id", instance, "-o", "json")
        self.assertEqual(rc, 0, err)
        return json.loads(out)

    def test_a_disagreeing_id_is_refused_and_starts_nothing(self):
        self.init_instance("mixnode")
        self.init_instance("gateway")
        mixnode_toml = "NYMVISOR_CONFIG_PATH=/etc/nymvisor/mixnode.toml"
        for args in (["config", "--id", "gateway"], ["status", "--id", "gateway"],
                     ["--id", "gateway", "status"], ["exec", "nope"], ["exec", "gateway"]):
            rc, out, err = self.nymvisor(*args, env=[mixnode_toml])
            self.assertEqual(rc, 3, (args, out, err))
            self.assertEqual(out, "", args)
            self.assertIn("NYMVISOR_CONFIG_PATH (/etc/nymvisor/mixnode.toml) is the config of "
                          "instance 'mixnode'", err)
            self.assertIn("unset NYMVISOR_CONFIG_PATH", err)
        rc, _, err = self.nymvisor("config", "--id", "gateway", env=["NYMVISOR_ID=mixnode"])
        self.assertEqual(rc, 3, err)
        self.assertIn("--id asks for instance 'gateway' but NYMVISOR_ID is 'mixnode'", err)
        # Nothing ran: no node process of either instance, no unit started.
        r = self.container.run(["pgrep", "-f", "nymvisor/current/bin/nym-node"], check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertEqual(self.prop(NODE % "mixnode", "ActiveState"), "inactive")
        # Agreeing names work.
        rc, _, err = self.nymvisor("config", "--id", "mixnode", env=[mixnode_toml])
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.config("gateway")["nymvisor"]["id"], "gateway")

    def test_init_again_with_one_flag_keeps_the_rest(self):
        c = self.container
        self.init_instance("mixnode")
        c.sh("sed -i 's/^backups_to_keep = .*/backups_to_keep = 5/' /etc/nymvisor/mixnode.toml")
        rc, _, err = self.nymvisor("init", "--id", "mixnode", "--upstream-polling-rate", "30m",
                                   "/opt/dist/1.1.0/nym-node")
        self.assertEqual(rc, 0, err)
        self.assertIn("nymvisor.upstream_polling_rate changes from '1h' to '30m'", err)
        self.assertNotIn("daemon.args changes", err)
        self.assertNotIn("daemon.backups_to_keep changes", err)
        config = self.config("mixnode")
        self.assertEqual(config["daemon"]["args"], ["run", "--id", "mixnode"])
        self.assertEqual(config["daemon"]["backups_to_keep"], 5)
        self.assertEqual(config["daemon"]["home"], "/var/lib/nym/mixnode")
        self.assertEqual(config["daemon"]["user"], "nym")
        self.assertEqual(config["nymvisor"]["upstream_base_upgrade_url"], "http://127.0.0.1:9/")
        self.assertEqual(config["nymvisor"]["upstream_polling_rate"], "30m")
        # --reset goes back to the defaults and says what it changes.
        rc, _, err = self.nymvisor("init", "--id", "mixnode", "--reset", "--daemon-home",
                                   "/var/lib/nym/mixnode", "/opt/dist/1.1.0/nym-node")
        self.assertEqual(rc, 0, err)
        self.assertIn("daemon.backups_to_keep changes from '5' to '3'", err)
        self.assertIn("daemon.args changes from 'run --id mixnode' to ''", err,
                      "--reset keeps nothing, the node's arguments included, and says so")
        self.assertEqual(self.config("mixnode")["daemon"]["args"], [])
        rc, _, err = self.nymvisor("init", "--id", "mixnode", "/opt/dist/1.1.0/nym-node", "--",
                                   "run", "--id", "mixnode")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.config("mixnode")["daemon"]["args"], ["run", "--id", "mixnode"])
        # A hold taken before the agent first ran is kept by the agent.
        rc, out, err = self.nymvisor("hold", "--id", "mixnode", "--reason", "first hour")
        self.assertEqual(rc, 0, err)
        self.assertIn("the agent keeps it when it starts", out)
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        rc, out, err = self.nymvisor("status", "--id", "mixnode", "-o", "json")
        self.assertEqual(rc, 0, err)
        status = json.loads(out)
        self.assertEqual((status["source"], status["held"]), ("agent", True), status)

    def test_moving_the_home_with_a_queued_upgrade_is_refused(self):
        self.init_instance("mixnode")
        v2 = self.stamp("/opt/dist/1.2.0/nym-node", version="1.2.0")
        rc, _, err = self.nymvisor("add-upgrade", v2, "--id", "mixnode", "--upgrade-name", "v2",
                                   "--upgrade-delay", "1h")
        self.assertEqual(rc, 0, err)
        rc, _, err = self.nymvisor("init", "--id", "mixnode", "--daemon-home",
                                   "/var/lib/nym/mixnod", "/opt/dist/1.1.0/nym-node")
        self.assertEqual(rc, 1, err)
        self.assertIn("instance 'mixnode' would move from /var/lib/nym/mixnode to "
                      "/var/lib/nym/mixnod", err)
        self.assertIn("has upgrades queued: v2 (1.2.0)", err)
        self.assertIn("add --force", err)
        self.assertEqual(self.container.run(["test", "-e", "/var/lib/nym/mixnod"],
                                            check=False).returncode, 1)
        self.assertEqual(self.config("mixnode")["daemon"]["home"], "/var/lib/nym/mixnode")
        rc, out, err = self.nymvisor("status", "--id", "mixnode", "-o", "json")
        self.assertEqual(rc, 0, err)
        status = json.loads(out)
        self.assertEqual(status["nextUpgrade"], "v2")
        self.assertEqual(status["state"], "not-running")
        self.assertIsNone(status["lastCheckOk"])
