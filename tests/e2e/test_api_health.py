"""The health check that asks the node (daemon.health_check_url and
daemon.build_info_url): a new version whose API answers 500, or still
reports the old version, is rolled back with the reason in the history; an
honest one commits. The fake node serves nym-node's API on loopback.
"""

from nymvisor_case import AGENT, NODE, UpgradeTestCase

# The containers share the host's network: each scenario has a port of its
# own, so that scenarios run side by side never answer for each other.
PORTS = {"500": 18081, "old": 18082, "honest": 18083}


def health_url(port):
    return "http://127.0.0.1:%d/api/v1/health" % port


def build_url(port):
    return "http://127.0.0.1:%d/api/v1/build-information" % port


class ApiHealthTest(UpgradeTestCase):
    health_period = "12s"

    def start_with_api_checks(self, port):
        self.start_instance(flags=["--health-check-url", health_url(port),
                                   "--build-info-url", build_url(port)])
        config = self.container.out(["cat", "/etc/nymvisor/mixnode.toml"])
        self.assertIn("health_check_url = '%s'" % health_url(port), config)
        self.assertIn("build_info_url = '%s'" % build_url(port), config)

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
        port = PORTS["500"]
        self.start_with_api_checks(port)
        self.publish("v2", "1.2.0", in_seconds=0, http_listen="127.0.0.1:%d" % port,
                     http_health_status=500)
        self.assert_rolled_back_because(
            "%s never answered 2xx during the health check (last: HTTP status 500 from %s)"
            % (health_url(port), health_url(port)))

    def test_a_build_info_url_reporting_the_old_version_rolls_back(self):
        port = PORTS["old"]
        self.start_with_api_checks(port)
        self.publish("v2", "1.2.0", in_seconds=0, http_listen="127.0.0.1:%d" % port,
                     http_build_version="1.1.0")
        self.assert_rolled_back_because(
            "%s reports build_version 1.1.0, not 1.2.0: the old binary still answers"
            % build_url(port))

    def test_an_honest_node_commits(self):
        port = PORTS["honest"]
        self.start_with_api_checks(port)
        self.publish("v2", "1.2.0", in_seconds=0, http_listen="127.0.0.1:%d" % port)
        self.wait_for_event("UpgradeSucceeded", timeout=90)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/upgrades/v2/bin/nym-node")
        journal = self.container.journal(AGENT % "mixnode")
        self.assertIn(health_url(port) + " answers", journal)
        self.assertIn(build_url(port) + " reports build_version 1.2.0", journal)
        history = self.read_json(self.home + "/nymvisor/upgrade-history.json")["history"]
        self.assertNotIn("outcome", history[-1])

    def test_a_url_naming_another_host_is_refused_with_the_flag(self):
        self.init_instance()
        r = self.container.run(["nymvisor", "init", "--id", "mixnode", "--daemon-home", self.home,
                                "--health-check-url", "http://node.example/api/v1/health",
                                "/opt/dist/1.1.0/nym-node"],
                               check=False)
        said = (r.stdout + r.stderr).decode()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--health-check-url", said)
        self.assertIn("127.0.0.1", said)
