"""Root against the node's account, in a real systemd.

The node's account (`nym`) owns DAEMON_HOME and so everything nymvisor keeps
there. Each scenario plays that account as an attacker would, then runs the
root-side command or lets the agent act, and asserts that nothing outside
DAEMON_HOME changed, that no root process ran the account's files, and that
the command refused with a message naming the problem. Signatures are made
with the real minisign tool (tests/fixtures/minisign holds the test keys).
"""

import os
import shlex
import subprocess
import time

from nymvisor_case import AGENT, NODE, REPO, UpgradeTestCase

MINISIGN = os.path.join(REPO, "tests", "fixtures", "minisign")
MARKER = "/tmp/ran-as"


def test_key():
    """The base64 line of the test public key."""
    with open(os.path.join(MINISIGN, "test.pub")) as f:
        return f.read().splitlines()[1]


class SecurityTestCase(UpgradeTestCase):

    def as_nym(self, script):
        return self.container.run(["runuser", "-u", "nym", "--", "sh", "-c", script])

    def nym_uid(self):
        return self.container.out(["id", "-u", "nym"])

    def outside_digest(self):
        """Everything root could be tricked into changing, outside DAEMON_HOME."""
        return self.container.out(
            "for d in /etc /root /srv /opt /usr/local; do [ -e $d ] && "
            "find $d -xdev -printf '%p %m %u:%g %s %l\\n'; done | LC_ALL=C sort | sha256sum; "
            "for d in /etc /root /srv /opt /usr/local; do [ -e $d ] && "
            "find $d -xdev -type f -print0; done | LC_ALL=C sort -z | xargs -0r sha256sum "
            "| sha256sum")

    def plant_script(self, path):
        """As nym: an executable at `path` that records who ran it, then fails."""
        self.as_nym("mkdir -p %s && printf '#!/bin/sh\\nid -u >> %s\\nexit 1\\n' > %s && "
                    "chmod 0755 %s" % (shlex.quote(os.path.dirname(path)), MARKER,
                                       shlex.quote(path), shlex.quote(path)))

    def assert_ran_only_as_nym(self, expect_ran=True):
        c = self.container
        ran = c.out("cat %s 2>/dev/null || true" % MARKER).split()
        if expect_ran:
            self.assertTrue(ran, "the planted binary was probed")
        self.assertEqual(set(ran) - {self.nym_uid()}, set(),
                         "a planted binary ran as someone other than the node's account")

    def root_cli(self, *args):
        return self.container.run(["nymvisor"] + list(args), check=False,
                                  env={"NYMVISOR_ID": "mixnode"})

    def assert_refused(self, result, *needles):
        text = result.stderr.decode()
        self.assertNotEqual(result.returncode, 0, text)
        for needle in needles:
            self.assertIn(needle, text)


class RootCommandsTest(SecurityTestCase):

    def test_a_swapped_nymvisor_directory_gains_the_node_account_nothing(self):
        c = self.container
        self.start_instance()
        c.run(["systemctl", "stop", AGENT % "mixnode"])
        home = self.home
        # The account puts its own nymvisor/ in place: a copy of the real one
        # with its own genesis binary and a lock file that points at /etc.
        self.as_nym("cd %s && mv nymvisor nymvisor.real && cp -a nymvisor.real nymvisor && "
                    "rm -f nymvisor/upgrade.lock nymvisor/genesis/bin/nym-node && "
                    "ln -s /etc/nologin nymvisor/upgrade.lock" % home)
        self.plant_script(home + "/nymvisor/genesis/bin/nym-node")
        v2 = self.stamp("/opt/dist/1.2.0/nym-node", version="1.2.0")
        before = self.outside_digest()

        r = self.root_cli("daemon-build-info")
        self.assert_refused(r, home + "/nymvisor/current/bin/nym-node")
        r = self.root_cli("init", "--id", "mixnode", "--daemon-home", home,
                          "--upstream-base-upgrade-url", self.upstream.http_url + "/",
                          "/opt/dist/1.1.0/nym-node")
        self.assert_refused(r, home + "/nymvisor/genesis/bin/nym-node")
        r = self.root_cli("add-upgrade", v2, "--upgrade-name", "v2")
        self.assert_refused(r, "upgrade.lock is a symlink; refusing to follow it")

        self.assert_ran_only_as_nym()
        self.assertFalse(c.run(["test", "-e", "/etc/nologin"], check=False).returncode == 0,
                         "no file was created through the planted lock")
        self.assertEqual(self.outside_digest(), before, "nothing outside DAEMON_HOME changed")

    def test_a_binary_in_the_node_accounts_directory_is_probed_as_that_account(self):
        c = self.container
        self.start_instance()
        real = self.stamp("/opt/dist/1.2.0/nym-node", version="1.2.0")
        self.as_nym("mkdir -p /var/lib/nym/drop && printf '#!/bin/sh\\nid -u >> %s\\n"
                    "exec %s \"$@\"\\n' > /var/lib/nym/drop/nym-node && "
                    "chmod 0755 /var/lib/nym/drop/nym-node" % (MARKER, real))
        c.sh("install -m 0700 %s /root/secret-node" % real)
        before = self.outside_digest()
        r = self.root_cli("add-upgrade", "/var/lib/nym/drop/nym-node", "--upgrade-name", "v2",
                          "--upgrade-delay", "1h")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assert_ran_only_as_nym()
        staged = self.home + "/nymvisor/upgrades/v2/bin/nym-node"
        self.assertEqual(c.out(["stat", "-c", "%U", staged]), "nym", "written as the account")
        self.assertEqual(c.out(["cat", staged]),
                         c.out(["cat", "/var/lib/nym/drop/nym-node"]), "the bytes probed")

        # A link the account planted to a file only root may read gains it nothing.
        self.as_nym("ln -s /root/secret-node /var/lib/nym/drop/link")
        r = self.root_cli("add-upgrade", "/var/lib/nym/drop/link", "--upgrade-name", "v3")
        self.assert_refused(r, "cannot be read by 'nym'")
        self.assertNotEqual(c.run(["test", "-e", self.home + "/nymvisor/upgrades/v3/bin/nym-node"],
                                  check=False).returncode, 0)
        self.assertEqual(self.outside_digest(), before, "nothing outside DAEMON_HOME changed")


    def test_exec_started_by_root_runs_the_node_as_its_account_for_good(self):
        """`nymvisor exec` run by root (a node unit without User=, or by hand)
        becomes the node's account for good before it replaces itself with
        the node (adapters/account_switch): ids, groups and capabilities."""
        c = self.container
        home = self.init_instance()
        c.run(["systemd-run", "--unit=exec-by-root", "--property=Type=exec",
               "/usr/bin/nymvisor", "exec", "mixnode"])

        def node_pid():
            pid = self.prop("exec-by-root.service", "MainPID")
            if pid == "0":
                return None
            exe = c.run(["readlink", "-f", "/proc/%s/exe" % pid], check=False)
            return pid if exe.stdout.decode().strip().endswith("/bin/nym-node") else None
        pid = c.wait_for(node_pid, 30, "nymvisor exec to become the node")
        self.assertEqual(self.main_exe("exec-by-root.service"),
                         home + "/nymvisor/genesis/bin/nym-node", "no wrapper remains")
        status = dict(line.split(":", 1) for line in
                      c.out(["cat", "/proc/%s/status" % pid]).splitlines() if ":" in line)
        uid, gid = self.nym_uid(), c.out(["id", "-g", "nym"])
        self.assertEqual(status["Uid"].split(), [uid] * 4, "real, effective, saved, fs uid")
        self.assertEqual(status["Gid"].split(), [gid] * 4, "real, effective, saved, fs gid")
        self.assertEqual(sorted(status["Groups"].split()),
                         sorted(c.out(["id", "-G", "nym"]).split()), "the account's groups only")
        for caps in ("CapPrm", "CapEff", "CapAmb"):
            self.assertEqual(status[caps].strip(), "0" * 16, caps)
        c.run(["systemctl", "stop", "exec-by-root.service"])


class AgentPathsTest(SecurityTestCase):

    def test_a_planted_download_symlink_is_not_written_through(self):
        c = self.container
        self.start_instance()
        c.sh("install -d -o nym -g nym /srv/nym && echo theirs > /srv/nym/file && "
             "chown nym:nym /srv/nym/file && chmod 0600 /srv/nym/file")
        self.as_nym("mkdir -p %s/nymvisor/upgrades/v2/bin && ln -s /srv/nym/file "
                    "%s/nymvisor/upgrades/v2/bin/nym-node.tmp" % (self.home, self.home))
        before = self.outside_digest()
        self.publish("v2", "1.2.0", in_seconds=3600)
        c.wait_for_journal(r"nym-node\.tmp is a symlink; refusing to follow it",
                           unit=AGENT % "mixnode", timeout=30)
        self.assertEqual(c.out(["cat", "/srv/nym/file"]), "theirs")
        self.assertEqual(self.outside_digest(), before, "nothing outside DAEMON_HOME changed")

    def test_a_planted_backup_symlink_aborts_the_upgrade_and_the_node_runs_on(self):
        c = self.container
        self.start_instance()
        c.sh("install -d -o nym -g nym /srv/nym")
        self.as_nym("mkdir -p %s/nymvisor/backups && ln -s /srv/nym %s/nymvisor/backups/v2"
                    % (self.home, self.home))
        before = self.outside_digest()
        data = self.data_digest()
        self.publish("v2", "1.2.0", in_seconds=0)
        aborted = self.wait_for_event("UpgradeAborted", timeout=60)
        self.assertIn("backups/v2 is a symlink; refusing to follow it",
                      aborted["NYMVISOR_REASON"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/genesis/bin/nym-node")
        self.assertEqual(self.main_user(NODE % "mixnode"), "nym")
        self.assertEqual(c.out("ls -A /srv/nym"), "", "no backup was written elsewhere")
        self.assertEqual(self.data_digest(), data)
        self.assertEqual(self.outside_digest(), before, "nothing outside DAEMON_HOME changed")


    def test_a_backup_swapped_for_a_symlink_before_the_restore_is_not_used(self):
        c = self.container
        self.start_instance(env="NYMVISOR_TEST_STEP_DELAY=restoring=6s\n")
        c.sh("install -d -o nym -g nym /srv/nym/backup-2000-01-01-000000000-preupgrade && "
             "echo theirs > /srv/nym/backup-2000-01-01-000000000-preupgrade/planted && "
             "chown -R nym:nym /srv/nym")
        before = self.outside_digest()
        self.publish("v2", "1.2.0", in_seconds=0, exit_at_start=1)
        c.wait_for_journal(r"test hook: pausing .* before step restoring",
                           unit=AGENT % "mixnode", timeout=60)
        # During the pause before the restore, the account swaps the backup.
        self.as_nym("cd %s/nymvisor/backups && mv v2 v2.real && ln -s /srv/nym v2" % self.home)
        self.wait_for_event("UpgradeRolledBack", timeout=90)
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/genesis/bin/nym-node")
        self.assertEqual(c.run(["test", "-e", self.home + "/planted"], check=False).returncode, 1,
                         "nothing was restored from the planted directory")
        self.assertEqual(c.out("cat /srv/nym/backup-2000-01-01-000000000-preupgrade/planted"),
                         "theirs")
        c.wait_for_journal(r"v2 is a symlink; refusing to follow it", unit=AGENT % "mixnode",
                           timeout=10)
        self.assertEqual(self.outside_digest(), before, "nothing outside DAEMON_HOME changed")


class FailClosedTest(SecurityTestCase):

    def assert_blocked(self, *needles):
        c = self.container
        for unit in (NODE % "mixnode", AGENT % "mixnode"):
            # A Type=exec unit counts as started once refuse-start runs; it
            # fails right after, saying why. (Under cgroup v1 in a container,
            # a quick restart can fail earlier, at systemd's CGROUP step: again.)
            for _ in range(3):
                c.run(["systemctl", "restart", unit], check=False)
                c.wait_for_state(unit, "failed", timeout=30)
                if self.prop(unit, "ExecMainStatus") != "219":
                    break
            self.assertEqual(self.prop(unit, "ExecMainStatus"), "1")
            self.assertIn("refuse-start", c.out(["systemctl", "show", "-p", "ExecStart",
                                                  "--value", unit]))
            status = c.run(["systemctl", "status", "--no-pager", "-l", "-n", "20", unit],
                           check=False).stdout.decode()
            self.assertIn("instance 'mixnode' is not started: its config cannot be used", status)
            for needle in needles:
                self.assertIn(needle, status)
        self.assertEqual(self.prop(NODE % "mixnode", "MainPID"), "0", "no node process runs")

    def test_bad_env_lines_keep_every_unit_of_the_instance_from_starting(self):
        c = self.container
        self.start_instance()
        for line, needle in (("DAEMON_MAX_STARTUP_FAILURES=-1", "DAEMON_MAX_STARTUP_FAILURES"),
                             ('DAEMON_NAME="nym\\q"', "mixnode.env"),
                             ("NOT AN ASSIGNMENT", "mixnode.env")):
            c.write_file("/etc/nymvisor/mixnode.env", line + "\n")
            c.run(["systemctl", "daemon-reload"])
            self.assert_blocked(needle)
        c.write_file("/etc/nymvisor/mixnode.env", "")
        c.run(["systemctl", "daemon-reload"])
        c.run(["systemctl", "restart", AGENT % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.assertEqual(self.main_user(NODE % "mixnode"), "nym", "its User= is back")

    def test_config_values_that_would_change_a_unit_are_refused(self):
        c = self.container
        self.start_instance()
        config = c.read_file("/etc/nymvisor/mixnode.toml").decode()
        for key, bad, needle in (
                ("user", '"nym\\nExecStartPre=/bin/touch /root/pwned"',
                 "daemon.user: contains a control character"),
                ("home", "'/'", "daemon.home")):
            lines = [("%s = %s" % (key, bad)) if line.startswith(key + " = ") else line
                     for line in config.splitlines()]
            c.write_file("/etc/nymvisor/mixnode.toml", "\n".join(lines) + "\n", mode=0o640)
            c.run(["systemctl", "daemon-reload"])
            self.assert_blocked(needle, "/etc/nymvisor/mixnode.toml")
            self.assertNotIn("ExecStartPre=/bin/touch", c.out(["systemctl", "cat",
                                                               NODE % "mixnode"]))
        self.assertNotEqual(c.run(["test", "-e", "/root/pwned"], check=False).returncode, 0)

    def test_a_config_the_node_account_can_write_is_not_trusted(self):
        c = self.container
        self.start_instance()
        c.run(["chown", "nym", "/etc/nymvisor/mixnode.toml"])
        c.run(["systemctl", "daemon-reload"])
        self.assert_blocked("refusing to read /etc/nymvisor/mixnode.toml as root",
                            "belongs to uid %s, not root" % self.nym_uid())
        r = self.root_cli("status")
        self.assert_refused(r, "/etc/nymvisor/mixnode.toml")


class TransportTest(SecurityTestCase):

    prefer_https = True

    def test_an_https_upstream_that_redirects_to_http_is_refused(self):
        c = self.container
        self.upstream = self.start_upstream(https=True)
        self.install_test_ca(self.upstream)
        self.init_instance(flags=["--upstream-base-upgrade-url", self.upstream.https_url + "/",
                                  "--upstream-polling-rate", "2s"])
        self.upstream.override("/nym-node/upgrade-info.json", status=302,
                               headers={"Location": self.upstream.http_url +
                                        "/plain/upgrade-info.json"})
        self.publish("v2", "1.2.0", in_seconds=0)
        with open(os.path.join(self.upstream.root, "nym-node", "upgrade-info.json")) as f:
            self.upstream.put("/plain/upgrade-info.json", f.read())
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        entry = self.wait_for_event("UpstreamUnreachable", timeout=30)
        self.assertIn("refused a redirect away from https", entry["NYMVISOR_REASON"])
        self.assertEqual([r for r in self.upstream.requests("/plain/upgrade-info.json")], [],
                         "nothing was fetched over plain http")
        self.assertFalse([e for e in self.agent_events() if e[0] == "UpgradeQueued"])


class SignatureTest(SecurityTestCase):

    def sign(self, url_path, trusted_comment=None):
        """Sign a file of the upstream with the test key (the real minisign)."""
        path = os.path.join(self.upstream.root, url_path.lstrip("/"))
        args = ["minisign", "-S", "-s", os.path.join(MINISIGN, "test.key"), "-m", path]
        if trusted_comment:
            args += ["-t", trusted_comment]
        subprocess.run(args, check=True, capture_output=True)

    def wait_for_refusal(self, needle, timeout=30):
        found = self.container.wait_for(
            lambda: [e for e in self.agent_events()
                     if e[0] == "SignatureRefused" and needle in e[2].get("NYMVISOR_REASON", "")],
            timeout, "a signature refusal naming %r" % needle)
        return found[0][2]

    def quietly(self):
        """Upstream answers 503 for upgrade-info.json while files change, so
        the agent never sees a half-updated pair of file and signature."""
        test = self

        class Quiet:
            def __enter__(self):
                test.upstream.override("/nym-node/upgrade-info.json", status=503)

            def __exit__(self, *exc):
                test.upstream.clear_overrides("/nym-node/upgrade-info.json")
        return Quiet()

    def info_path(self):
        return os.path.join(self.upstream.root, "nym-node", "upgrade-info.json")

    def test_require_signature_refuses_unsigned_wrong_and_replayed_files(self):
        c = self.container
        self.start_instance(flags=["--trusted-keys", test_key(), "--require-signature"])
        invocation = self.prop(NODE % "mixnode", "InvocationID")

        self.publish("v2", "1.2.0", in_seconds=0)
        self.wait_for_refusal("upgrade-info.json is not signed")

        with self.quietly():
            self.sign("/nym-node/upgrade-info.json")
            with open(self.info_path()) as f:
                signed = f.read()
            with open(self.info_path(), "w") as f:
                f.write(signed.replace('"1.2.0"', '"1.2.1"'))
        self.wait_for_refusal("does not match the data")

        # A good signature on the file, but the binary it names is unsigned:
        # staging refuses it, and the node is never touched.
        with self.quietly():
            with open(self.info_path(), "w") as f:
                f.write(signed)
        self.wait_for_event("UpgradeQueued", timeout=30)
        c.wait_for_journal(r"nym-node is not signed \(no nym-node\.minisig\)",
                           unit=AGENT % "mixnode", timeout=30)
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), invocation,
                         "nothing unsigned was applied")

        # Everything signed: applied.
        with self.quietly():
            self.publish("v3", "1.3.0", in_seconds=0)
            self.sign("/bin/v3/nym-node")
            self.sign("/nym-node/upgrade-info.json")
        self.wait_for_event("UpgradeSucceeded", timeout=90)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/upgrades/v3/bin/nym-node")
        record = self.read_json(self.home + "/nymvisor/upstream-signature.json")
        self.assertGreater(record["signed_at"], 1700000000)

        # A validly signed file with an older signing time: a replay.
        with self.quietly():
            self.publish("v4", "1.4.0", in_seconds=0)
            self.sign("/bin/v4/nym-node")
            self.sign("/nym-node/upgrade-info.json", "timestamp:1000\tfile:upgrade-info.json")
        self.wait_for_refusal("an old file replayed")
        time.sleep(3)
        self.assertFalse([e for e in self.agent_events()
                          if e[0] == "UpgradeQueued" and "1.4.0" in e[2].get("MESSAGE", "")])
