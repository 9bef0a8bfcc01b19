"""The health check that asks the node (daemon.health_check_url and
daemon.build_info_url): a new version whose API answers 500, or still
reports the old version, is rolled back with the reason in the history; an
honest one commits. The fake node serves nym-node's API on loopback.
"""

from nymvisor_case import AGENT, NODE, UpgradeTestCase

PORT = 18080
HEALTH = "http://127.0.0.1:%d/api/v1/health" % PORT
BUILD = "http://127.0.0.1:%d/api/v1/build-information" % PORT


class ApiHealthTest(UpgradeTestCase):
    health_period = "12s"

    def start_with_api_checks(self):
        self.start_instance(flags=["--health-check-url", HEALTH, "--build-info-url", BUILD])
        config = self.container.out(["cat", "/etc/nymvisor/mixnode.toml"])
        self.assertIn("health_check_url = '%s'" % HEALTH, config)
        self.assertIn("build_info_url = '%s'" % BUILD, config)

    def assert_rolled_back_because(self, reason):
        entry = self.wait_for_event("UpgradeRolledBack", timeout=90)
        self.assertEqual(entry["NYMVISOR_REASON"], reason)
        self.container.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/genesis/bin/nym-node")
        history = self.read_json(self.home + "/nymvisor/upgrade-history.json")["history"]
        self.assertEqual(history[-1]["outcome"], "rolled-back")
        self.assertEqual(history[-1]["reason"], reason)

    def test_a_health_url_answering_500_rolls_back(self):
        self.start_with_api_checks()
        self.publish("v2", "1.2.0", in_seconds=0, http_listen="127.0.0.1:%d" % PORT,
                     http_health_status=500)
        self.assert_rolled_back_because(
            "%s never answered 2xx during the health check (last: HTTP status 500 from %s)"
            % (HEALTH, HEALTH))

    def test_a_build_info_url_reporting_the_old_version_rolls_back(self):
        self.start_with_api_checks()
        self.publish("v2", "1.2.0", in_seconds=0, http_listen="127.0.0.1:%d" % PORT,
                     http_build_version="1.1.0")
        self.assert_rolled_back_because(
            "%s reports build_version 1.1.0, not 1.2.0: the old binary still answers" % BUILD)

    def test_an_honest_node_commits(self):
        self.start_with_api_checks()
        self.publish("v2", "1.2.0", in_seconds=0, http_listen="127.0.0.1:%d" % PORT)
        self.wait_for_event("UpgradeSucceeded", timeout=90)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/upgrades/v2/bin/nym-node")
        journal = self.container.journal(AGENT % "mixnode")
        self.assertIn(HEALTH + " answers", journal)
        self.assertIn(BUILD + " reports build_version 1.2.0", journal)
        history = self.read_json(self.home + "/nymvisor/upgrade-history.json")["history"]
        self.assertNotIn("outcome", history[-1])

    def test_a_url_naming_another_host_is_refused_with_the_flag(self):
        self.init_instance()
        r = self.container.run(["nymvisor", "init", "--id", "mixnode", "--daemon-home", self.home,
                                "--health-check-url", "http://node.example/api/v1/health"],
                               check=False)
        said = (r.stdout + r.stderr).decode()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--health-check-url", said)
        self.assertIn("127.0.0.1", said)
