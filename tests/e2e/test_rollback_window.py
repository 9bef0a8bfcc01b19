"""The rollback window end to end: `rollback --list` shows every version
the instance can return to, and `rollback --to` two versions back restores
that version's binary, its config (nym-node rewrites config.toml forward)
and its data, in one step, through the health gate.
"""

import json

from nymvisor_case import AGENT, NODE, UpgradeTestCase


class RollbackWindowTest(UpgradeTestCase):
    health_period = "3s"

    def nymvisor(self, *args, check=True):
        return self.container.run(["nymvisor"] + list(args), check=check, timeout=150)

    def history(self):
        return self.read_json(self.home + "/nymvisor/upgrade-history.json")["history"]

    def succeeded(self):
        return len([e for e in self.agent_events() if e[0] == "UpgradeSucceeded"])

    def upgrade_to_v2_then_v3(self):
        """genesis 1.1.0 -> v2 1.2.0 (rewrites config.toml) -> v3 1.3.0
        (writes to the data); returns the home's digest and config.toml as
        genesis left them."""
        c = self.container
        self.start_instance()
        config = self.home + "/config/config.toml"
        c.sh("printf '[host]\\npublic_ips = [\"192.0.2.1\"]\\n' > %s && chown nym:nym %s"
             % (config, config))
        genesis_config = c.read_file(config)
        genesis_digest = self.data_digest()
        self.publish("v2", "1.2.0", in_seconds=0, mutate_file=config)
        c.wait_for(lambda: self.succeeded() == 1, 90, "v2 to be applied")
        self.publish("v3", "1.3.0", in_seconds=0, mutate_file=self.home + "/data/state.db")
        c.wait_for(lambda: self.succeeded() == 2, 90, "v3 to be applied")
        self.assert_consistent_on("v3", "1.3.0")
        self.assertNotEqual(c.read_file(config), genesis_config, "v2 rewrote the config")
        return genesis_digest, genesis_config

    def test_rollback_list_shows_every_version_to_return_to(self):
        self.upgrade_to_v2_then_v3()
        listing = json.loads(self.nymvisor("rollback", "--list", "--id", "mixnode",
                                           "-o", "json").stdout)
        self.assertEqual([(e["name"], e["version"]) for e in listing],
                         [("v2", "1.2.0"), ("genesis", "1.1.0")])
        backups = self.home + "/nymvisor/backups/"
        self.assertTrue(listing[0]["backup"].startswith(backups + "v3/"), listing[0])
        self.assertTrue(listing[1]["backup"].startswith(backups + "v2/"), listing[1])
        history = {h["info"]["name"]: h for h in self.history()}
        self.assertEqual(listing[0]["leftAt"], history["v3"]["performedAt"])
        for entry in listing:
            self.assertTrue(entry["restorable"], entry)
            self.assertGreater(entry["backupBytes"], 0, entry)
        text = self.nymvisor("rollback", "--list", "--id", "mixnode").stdout.decode()
        self.assertIn("running v3 (1.3.0)", text)
        self.assertRegex(text, r"\nv2 +1\.2\.0 +\d{4}-\d\d-\d\d \d\d:\d\d UTC +[0-9.]+ (B|KiB)\n")
        self.assertRegex(text, r"\ngenesis +1\.1\.0 ")
        # The agent is not needed to list.
        self.container.run(["systemctl", "stop", AGENT % "mixnode"])
        again = json.loads(self.nymvisor("rollback", "--list", "--id", "mixnode",
                                         "-o", "json").stdout)
        self.assertEqual(again, listing)

    def test_rollback_to_two_versions_back_restores_binary_config_and_data(self):
        c = self.container
        genesis_digest, genesis_config = self.upgrade_to_v2_then_v3()
        refused = self.nymvisor("rollback", "--id", "mixnode", "--to", "v9", check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn(b"cannot roll back to 'v9'", refused.stderr)
        self.assertIn(b"v2 (1.2.0), genesis", refused.stderr)
        invocation = self.prop(NODE % "mixnode", "InvocationID")
        done = self.nymvisor("rollback", "--id", "mixnode", "--to", "genesis", "--wait",
                             "--timeout", "120s")
        self.assertIn(b"rolling back from 1.3.0 to 1.1.0", done.stdout)
        self.assertIn(b"reverted", done.stdout)
        self.assertNotEqual(self.prop(NODE % "mixnode", "InvocationID"), invocation)
        self.assert_consistent_on("genesis", "1.1.0")
        self.assertEqual(c.read_file(self.home + "/config/config.toml"), genesis_config,
                         "config.toml byte for byte as 1.1.0 had it")
        self.assertEqual(self.data_digest(), genesis_digest,
                         "the whole home as it was just before v2")
        outcomes = [(h["info"]["name"], h.get("outcome", "completed")) for h in self.history()]
        self.assertEqual(outcomes[-3:], [("v3", "reverted"), ("v2", "reverted"),
                                         ("genesis", "completed")])
        listing = self.nymvisor("rollback", "--list", "--id", "mixnode").stdout.decode()
        self.assertIn("no earlier version to go back to", listing)
        events = [e[0] for e in self.agent_events()]
        self.assertEqual(events.count("RollbackRequested"), 1, "one step, not two")
        self.assertEqual(events.count("RolledBackOnRequest"), 1)


if __name__ == "__main__":
    import unittest
    unittest.main()
