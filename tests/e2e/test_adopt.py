"""`nymvisor adopt`: setups that exist today, taken over without a new download.

Two setups built by hand, as their owners leave them: the original nymvisor's
instance (config.toml under ~/.nym/nymvisors/instances/<id>/, its data
directory with genesis/, upgrades/, current, the plan with a queued upgrade
and the history, and DAEMON_HOME/nymvisor/current-version.json), and Nym's
Ansible layout (a binary in /root/nym-binaries and a nym-node.service of its
own). In both the node keeps its version through the adoption, and a queued
upgrade is applied by the agent afterwards.
"""

import datetime
import json
import os

from harness import SystemdTestCase

FAKE_NODE = "/usr/local/bin/fake-node"
ANSIBLE_UNIT = """[Unit]
Description=Nym Node
StartLimitBurst=10
StartLimitIntervalSec=350

[Service]
User=root
LimitNOFILE=65536
ExecStart=/root/nym-binaries/nym-node run --mode mixnode --accept-operator-terms-and-conditions --wireguard-enabled false
KillSignal=SIGINT
Restart=on-failure
RestartSec=30

[Install]
WantedBy=multi-user.target
"""

RESTART_PROPERTIES = ("Restart", "RestartUSec", "StartLimitBurst", "StartLimitIntervalUSec",
                      "TimeoutStopUSec")
ANSIBLE_RESTART = {"Restart": "on-failure", "RestartUSec": "30s", "StartLimitBurst": "10",
                   "StartLimitIntervalUSec": "5min 50s", "TimeoutStopUSec": "1min 30s"}

ORIGINAL_CONFIG = """# written by hand in the original nymvisor's format
[nymvisor]
id = 'mixnode'
upstream_base_upgrade_url = 'http://127.0.0.1:9/'
upstream_polling_rate = '1h'
disable_logs = false
upgrade_data_directory = ''

[daemon]
name = 'nym-node'
home = '/root/.nym/nym-nodes/mixnode'
absolute_upstream_upgrade_url = ''
allow_binaries_download = true
enforce_download_checksum = true
restart_after_upgrade = true
restart_on_failure = false
failure_restart_delay = '10s'
max_startup_failures = 10
startup_period_duration = '8s'
shutdown_grace_period = '10s'
backup_data_directory = ''
unsafe_skip_backup = false
"""


def rfc3339(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class AdoptTestCase(SystemdTestCase):

    def setUp(self):
        super().setUp()
        fake = os.environ.get("NYMVISOR_FAKE_NODE")
        if not fake:
            self.fail("NYMVISOR_FAKE_NODE must be set (run_e2e.py does)")
        self.container.copy_in(fake, FAKE_NODE, mode=0o755)
        self.install_deb()

    def stamp(self, path, version):
        self.container.run(["mkdir", "-p", os.path.dirname(path)])
        self.container.run([FAKE_NODE, "stamp", path, "--version", version])
        return path

    def build_info(self, path):
        return json.loads(self.container.out([path, "--no-banner", "build-info",
                                              "--output=json"]))

    def exe(self, unit):
        """The main process of `unit` and its executable, once `nymvisor exec`
        has replaced itself with the node (just after the unit is active)."""
        def probe():
            pid = self.container.show(unit, "MainPID")["MainPID"]
            if pid == "0":
                return pid, ""
            return pid, self.container.out(["readlink", "-f", "/proc/%s/exe" % pid])
        return self.container.wait_for(
            probe, 10, "%s to run a node binary" % unit,
            until=lambda found: found[0] != "0" and found[1] != "/usr/bin/nymvisor")

    def wait_for_upgrade(self, instance, name, timeout=300):
        def done():
            r = self.container.run(["nymvisor", "status", "--id", instance, "-o", "json"],
                                   check=False)
            try:
                s = json.loads(r.stdout.decode())
            except ValueError:
                return False
            return s.get("currentUpgrade") == name and s.get("state") == "idle"
        self.container.wait_for(done, timeout, "upgrade %s to be committed" % name)


class AnsibleLayoutTest(AdoptTestCase):

    def test_a_node_unit_of_its_own_is_adopted_upgraded_and_given_back(self):
        c = self.container
        self.stamp("/root/nym-binaries/nym-node", "1.1.0")
        self.stamp("/root/nym-node-1.2.0", "1.2.0")
        c.sh("mkdir -p /root/.nym/nym-nodes/default-nym-node/config && "
             "echo 'id = 1' > /root/.nym/nym-nodes/default-nym-node/config/config.toml")
        c.write_file("/etc/systemd/system/nym-node.service", ANSIBLE_UNIT)
        c.run(["systemctl", "daemon-reload"])
        c.run(["systemctl", "enable", "--now", "nym-node.service"])
        c.wait_for_state("nym-node.service", "active", timeout=30)
        pid, exe = self.exe("nym-node.service")

        r = c.run(["nymvisor", "adopt", "--daemon-unit", "nym-node.service"], timeout=120)
        err = r.stderr.decode()
        self.assertIn("as instance 'nym-node': nothing was downloaded or moved", err)
        self.assertIn("nym-node.service keeps running /root/nym-binaries/nym-node until its next "
                      "start", err)
        self.assertEqual(self.exe("nym-node.service"), (pid, exe),
                         "the node keeps running through the adoption")
        # The unit's restart settings stay as the playbook wrote them, now
        # from the drop-in (systemd's default TimeoutStopSec=, 90s, too).
        self.assertEqual(c.show("nym-node.service", *RESTART_PROPERTIES), ANSIBLE_RESTART)
        self.assertIn("RestartSec=30s", c.out(["systemctl", "cat", "nym-node.service"]))
        config = json.loads(c.out(["nymvisor", "config", "--id", "nym-node", "-o", "json"]))
        self.assertEqual({k: config["daemon"][k] for k in (
            "restart_on_failure", "failure_restart_delay", "max_startup_failures",
            "startup_period_duration", "shutdown_grace_period")},
            {"restart_on_failure": True, "failure_restart_delay": "30s",
             "max_startup_failures": 10, "startup_period_duration": "5m 50s",
             "shutdown_grace_period": "1m 30s"})
        home = "/root/.nym/nym-nodes/default-nym-node"
        self.assertIn("/usr/bin/nymvisor exec nym-node",
                      c.out(["systemctl", "show", "-p", "ExecStart", "--value",
                             "nym-node.service"]))
        # Its next start runs the same version, through nymvisor.
        c.run(["systemctl", "restart", "nym-node.service"])
        c.wait_for_state("nym-node.service", "active", timeout=30)
        self.assertEqual(self.exe("nym-node.service")[1], home + "/nymvisor/genesis/bin/nym-node")
        self.assertIn("--wireguard-enabled false",
                      c.out(["ps", "-o", "args=", "-p", self.exe("nym-node.service")[0]]))

        c.write_file("/etc/nymvisor/nym-node.env", "DAEMON_STARTUP_PERIOD_DURATION=8s\n")
        c.run(["systemctl", "daemon-reload"])
        c.run(["systemctl", "enable", "--now", "nymvisor@nym-node"])
        c.run(["nymvisor", "add-upgrade", "/root/nym-node-1.2.0", "--id", "nym-node",
               "--upgrade-name", "v1.2.0", "--now"])
        self.wait_for_upgrade("nym-node", "v1.2.0")
        self.assertEqual(self.exe("nym-node.service")[1],
                         home + "/nymvisor/upgrades/v1.2.0/bin/nym-node")

        r = c.run(["nymvisor", "adopt", "--undo", "--id", "nym-node"], check=False)
        self.assertEqual(r.returncode, 1, "refused while its agent runs")
        self.assertIn("systemctl disable --now nymvisor@nym-node first", r.stderr.decode())
        c.run(["systemctl", "disable", "--now", "nymvisor@nym-node"])
        r = c.run(["nymvisor", "adopt", "--undo", "--id", "nym-node"])
        err = r.stderr.decode()
        self.assertIn("install -m 0755 %s/nymvisor/current/bin/nym-node /root/nym-binaries/nym-node"
                      % home, err)
        self.assertIn("/root/nym-binaries/nym-node run --mode mixnode",
                      c.out(["systemctl", "show", "-p", "ExecStart", "--value",
                             "nym-node.service"]), "the unit is the operator's again")
        self.assertEqual(self.exe("nym-node.service")[1],
                         home + "/nymvisor/upgrades/v1.2.0/bin/nym-node",
                         "undo does not stop the node")


class AdoptRestartSettingsTest(AdoptTestCase):

    def test_a_restart_setting_no_key_holds_is_refused_and_nothing_written(self):
        c = self.container
        self.stamp("/root/nym-binaries/nym-node", "1.1.0")
        c.write_file("/etc/systemd/system/nym-node.service",
                     ANSIBLE_UNIT.replace("Restart=on-failure", "Restart=always"))
        c.run(["systemctl", "daemon-reload"])
        before = c.show("nym-node.service", *RESTART_PROPERTIES)
        r = c.run(["nymvisor", "adopt", "--daemon-unit", "nym-node.service"], check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("error: nym-node.service has Restart=always, which nymvisor cannot keep: "
                      "daemon.restart_on_failure gives Restart=on-failure or Restart=no. Change "
                      "it in nym-node.service (systemctl edit nym-node.service), run systemctl "
                      "daemon-reload and adopt again", r.stderr.decode())
        self.assertEqual(c.out("ls -A /etc/nymvisor 2>/dev/null || true"), "", "nothing written")
        c.run(["systemctl", "daemon-reload"])
        self.assertEqual(c.show("nym-node.service", *RESTART_PROPERTIES), before)


class OriginalSetupTest(AdoptTestCase):

    def write_json(self, path, value):
        self.container.write_file(path, json.dumps(value, indent=2))

    def build_original(self):
        """The original's files for instance mixnode, with v1.2.0 queued in 40 s."""
        data = "/root/.nym/nymvisors/data/nym-node"
        home = "/root/.nym/nym-nodes/mixnode"
        self.container.sh("mkdir -p %s/nymvisor %s/data /root/.nym/nymvisors/instances/mixnode/"
                          "config && echo rows > %s/data/state.db" % (home, home, home))
        self.container.write_file(
            "/root/.nym/nymvisors/instances/mixnode/config/config.toml", ORIGINAL_CONFIG)
        genesis_bin = self.stamp(data + "/genesis/bin/nym-node", "1.1.0")
        next_bin = self.stamp(data + "/upgrades/v1.2.0/bin/nym-node", "1.2.0")
        genesis = {"manual": True, "name": "genesis", "notes": "", "publishDate": None,
                   "version": "1.1.0", "platforms": {}, "upgradeTime": "1970-01-01T00:00:00Z",
                   "binaryDetails": self.build_info(genesis_bin)}
        when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=40)
        queued = {"manual": False, "name": "v1.2.0", "notes": "queued by hand", "publishDate":
                  None, "version": "1.2.0", "platforms": {}, "upgradeTime": rfc3339(when),
                  "binaryDetails": self.build_info(next_bin)}
        self.write_json(data + "/genesis/upgrade-info.json", genesis)
        self.write_json(data + "/upgrades/v1.2.0/upgrade-info.json", queued)
        self.write_json(data + "/upgrade-plan.json", {"current": genesis, "queuedUp": [queued]})
        self.write_json(data + "/upgrade-history.json", {"history": []})
        self.container.run(["ln", "-s", data + "/genesis", data + "/current"])
        self.write_json(home + "/nymvisor/current-version.json",
                        {"name": "genesis", "version": "1.1.0",
                         "upgradeTime": "2026-01-01T00:00:00Z",
                         "binaryDetails": genesis["binaryDetails"]})
        return data, home

    def test_the_originals_instance_keeps_its_queue_and_the_agent_applies_it(self):
        c = self.container
        data, home = self.build_original()
        plan = c.read_file(data + "/upgrade-plan.json")
        r = c.run(["nymvisor", "adopt", "--", "run", "--id", "mixnode"], timeout=120)
        err = r.stderr.decode()
        self.assertIn("its history and queue in %s are kept" % data, err)
        self.assertEqual(c.read_file(data + "/upgrade-plan.json"), plan, "nothing rewritten")
        config = json.loads(c.out(["nymvisor", "config", "--id", "mixnode", "-o", "json"]))
        self.assertEqual(config["nymvisor"]["upgrade_data_directory"], data)
        self.assertEqual(config["nymvisor"]["upstream_source"], "upgrade-info",
                         "the original's config names its URL: the source is kept")
        self.assertIn("upstream: upgrade-info http://127.0.0.1:9/nym-node/upgrade-info.json",
                      err)
        c.run(["systemctl", "enable", "--now", "nymvisor@mixnode"])
        c.wait_for_state("nymvisor-daemon@mixnode.service", "active", timeout=30)
        self.assertEqual(self.exe("nymvisor-daemon@mixnode.service")[1],
                         data + "/genesis/bin/nym-node", "the same version as before")
        self.wait_for_upgrade("mixnode", "v1.2.0")
        self.assertEqual(self.exe("nymvisor-daemon@mixnode.service")[1],
                         data + "/upgrades/v1.2.0/bin/nym-node")
        history = json.loads(c.read_file(data + "/upgrade-history.json"))
        self.assertEqual([e["info"]["name"] for e in history["history"]], ["v1.2.0"])
        self.assertEqual(c.out("cat %s/data/state.db" % home), "rows", "the node's data is kept")
