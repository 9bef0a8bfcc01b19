"""Where upgrades come from, out of the box, and a source that fails.

A new instance follows the nym-binaries-v* GitHub releases; one whose init
names an upgrade-info URL keeps upgrade-info. An upgrade-info URL that
answers 404 on every poll is shown by `nymvisor status` with what to do,
and journalled once, not once per poll; its recovery is journalled once.
A password in the URL reaches neither the journal nor `status`.
"""

import json

from nymvisor_case import AGENT, NODE, UpgradeTestCase


class UpstreamSourceTest(UpgradeTestCase):

    def config_json(self):
        return json.loads(self.container.out(["nymvisor", "config", "--id", "mixnode",
                                              "-o", "json"]))

    def status(self):
        return json.loads(self.container.out(["nymvisor", "status", "--id", "mixnode",
                                              "-o", "json"]))

    def test_a_new_instance_follows_github_and_an_upgrade_info_url_keeps_upgrade_info(self):
        c = self.container
        home = "/var/lib/nym/mixnode"
        node = self.stamp("/opt/dist/1.1.0/nym-node", version="1.1.0")
        c.sh("install -d -o nym -g nym -m 0700 %s" % home)
        init = c.run(["nymvisor", "init", "--id", "mixnode", "--daemon-home", home, node,
                      "--", "run", "--id", "mixnode"])
        self.assertIn(b"upstream: github (nymtech/nym, tags nym-binaries-v*): the default for a "
                      b"new instance", init.stderr)
        config = self.config_json()
        self.assertEqual(config["nymvisor"]["upstream_source"], "github")
        self.assertEqual(config["upstream"]["repository"], "nymtech/nym")
        self.assertEqual(config["upstream"]["tag_prefix"], "nym-binaries-v")
        self.assertIn("upstream_source = 'github'", c.read_file("/etc/nymvisor/mixnode.toml")
                      .decode())

        url = self.upstream.http_url + "/"
        init = c.run(["nymvisor", "init", "--id", "mixnode", "--daemon-home", home,
                      "--upstream-base-upgrade-url", url, node, "--", "run", "--id", "mixnode"])
        self.assertIn(("upstream: upgrade-info %snym-node/upgrade-info.json: because "
                       "--upstream-base-upgrade-url was given" % url).encode(), init.stderr)
        config = self.config_json()
        self.assertEqual(config["nymvisor"]["upstream_source"], "upgrade-info")
        self.assertEqual(config["upstream"]["url"], url + "nym-node/upgrade-info.json")
        text = c.out(["nymvisor", "config", "--id", "mixnode"])
        self.assertIn("resolved upstream:                 upgrade-info %s" % url, text)

    def test_a_404_upstream_is_shown_with_its_hint_journalled_once_and_no_password_leaks(self):
        c = self.container
        host = self.upstream.http_url.split("://", 1)[1]
        secret_url = "http://operator:s3cretpass@%s/" % host
        shown_url = "http://operator:***@%s/nym-node/upgrade-info.json" % host
        self.upstream.override("/nym-node/upgrade-info.json", status=404)
        self.init_instance(flags=["--upstream-base-upgrade-url", secret_url,
                                  "--upstream-polling-rate", self.polling_rate])
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        # Several polls (every 2 s), all answered 404.
        self.upstream.wait_for_request("/nym-node/upgrade-info.json", timeout=60, count=5)
        status = c.wait_for(self.status, 30, "status to show the failing upstream",
                            until=lambda s: s["upstreamFailing"] and s["upstreamFailedPolls"] >= 4)
        self.assertEqual(status["upstreamSource"], "upgrade-info")
        self.assertEqual(status["upstreamUrl"], shown_url)
        self.assertIn("HTTP status 404 from " + shown_url, status["upstreamFailure"])
        self.assertEqual(status["upstreamHint"],
                         "Nym no longer publishes this file; set upstream_source = github")
        text = c.out(["nymvisor", "status", "--id", "mixnode"])
        self.assertIn("Hint: Nym no longer publishes this file; set upstream_source = github",
                      text)
        self.assertIn("Upstream: upgrade-info " + shown_url, text)
        failing = [e for e in self.agent_events() if e[0] == "UpstreamUnreachable"]
        self.assertEqual(len(failing), 1, "journalled once, not once per poll: %r"
                         % [e[2]["MESSAGE"] for e in failing])
        entry = failing[0][2]
        self.assertIn("upstream %s fails: HTTP status 404" % shown_url, entry["MESSAGE"])
        self.assertIn("set upstream_source = github", entry["MESSAGE"])
        self.assertEqual(entry["NYMVISOR_URL"], shown_url)
        for prop in ("LastCheckResult", "StatusText"):
            shown = c.out(["busctl", "get-property", "net.nymtech.Nymvisor1.mixnode",
                           "/net/nymtech/Nymvisor1", "net.nymtech.Nymvisor1", prop])
            self.assertNotIn("s3cretpass", shown, prop)
        self.assertIn("operator:***@", c.out(["busctl", "get-property",
                                              "net.nymtech.Nymvisor1.mixnode",
                                              "/net/nymtech/Nymvisor1", "net.nymtech.Nymvisor1",
                                              "LastCheckResult"]))

        # It answers again: journalled once too.
        self.upstream.clear_overrides()
        self.publish("v1.1.0", "1.1.0", 0)
        self.wait_for_event("UpstreamRecovered", timeout=30)
        c.wait_for(self.status, 30, "status to clear the failure",
                   until=lambda s: not s["upstreamFailing"])
        before = self.upstream.requests("/nym-node/upgrade-info.json")
        self.upstream.wait_for_request("/nym-node/upgrade-info.json", timeout=30,
                                       count=len(before) + 3)
        names = [e[0] for e in self.agent_events()]
        self.assertEqual(names.count("UpstreamRecovered"), 1, names)
        self.assertEqual(names.count("UpstreamUnreachable"), 1, names)

        journal = c.out(["journalctl", "--no-pager", "-o", "verbose", "-u", AGENT % "mixnode"])
        self.assertNotIn("s3cretpass", journal)
        self.assertNotIn("s3cretpass", c.out(["nymvisor", "status", "--id", "mixnode",
                                              "-o", "json"]))
        self.assertNotIn("s3cretpass", c.out(["nymvisor", "config", "--id", "mixnode"]))
        requests = self.upstream.requests("/nym-node/upgrade-info.json")
        self.assertEqual(requests[0].headers.get("authorization", "")[:6], "Basic ",
                         "the URL fetched keeps its credentials")
        c.wait_for_state(NODE % "mixnode", "active", timeout=10)
