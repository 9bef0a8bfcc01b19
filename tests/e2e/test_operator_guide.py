"""docs/operator-guide.md, run as written.

Every line of every ```sh block of the guide runs, in order, as root in a
fresh container (from /root, where an operator would have copied the .deb
and the binaries), and must succeed. The binaries the guide tells the
operator to download are fake nodes stamped with the right names and
versions. After the guide, the test checks what it promised: the node runs
the adhoc upgrade's version, as its own account, beside a second instance.
"""

import json
import os
import re
import unittest

from harness import SystemdTestCase

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUIDE = os.path.join(REPO, "docs", "operator-guide.md")
FAKE_NODE = "/usr/local/bin/fake-node"


def guide_blocks(text):
    """[(section, [command, ...])] of the ```sh blocks, in order; comments skipped.

    A line ending in a backslash goes on with the next one, as in a shell. A
    block marked ```sh file=PATH is a script the guide has the reader save:
    its one command writes it to PATH, mode 0755, as written. Other blocks
    (```, ```toml, ...) are shown, not run.
    """
    blocks, section, block, path = [], "", None, None
    for line in text.splitlines():
        if block is None and line.startswith("## "):
            section = line[3:].strip()
        marker = re.match(r"```sh(?: file=(\S+))?$", line.strip())
        if block is None and marker:
            block, path = [], marker.group(1)
        elif block is not None and line.strip() == "```":
            if path:
                block = ["cat > %s <<'GUIDE_EOF'\n%s\nGUIDE_EOF\nchmod 0755 %s"
                         % (path, "\n".join(block), path)]
            blocks.append((section, block))
            block = None
        elif block is not None and path:
            block.append(line)
        elif block is not None and block and block[-1].endswith("\\"):
            block[-1] = block[-1][:-1].rstrip() + " " + line.strip()
        elif block is not None and line.strip() and not line.lstrip().startswith("#"):
            block.append(line.strip())
    return blocks


def guide_commands(text):
    """[(section, command)] of every block, in order."""
    return [(section, cmd) for section, block in guide_blocks(text) for cmd in block]


class GuideParsingTest(unittest.TestCase):
    """The parser finds the guide's commands (a guide without any would pass)."""

    def test_the_guide_has_commands_in_every_section_that_shows_some(self):
        with open(GUIDE) as f:
            commands = guide_commands(f.read())
        sections = {s for s, _ in commands}
        for needed in ("1. Install", "2. Set up a nym-node", "3. Check it",
                       "4. Change a setting", "5. Steer the agent", "6. Adhoc upgrades",
                       "7. Several nodes on one box"):
            self.assertIn(needed, sections)
        self.assertGreater(len(commands), 30)

    def test_continued_lines_join_and_file_blocks_write_their_script(self):
        text = ("## 15. When\n```sh file=/usr/local/bin/check\n#!/bin/sh\nexit 0\n```\n"
                "```sh\nnymvisor init --id m \\\n  --busy-check /usr/local/bin/check\n```\n"
                "```\nnot run\n```\n")
        self.assertEqual(guide_commands(text), [
            ("15. When", "cat > /usr/local/bin/check <<'GUIDE_EOF'\n#!/bin/sh\nexit 0\n"
                         "GUIDE_EOF\nchmod 0755 /usr/local/bin/check"),
            ("15. When", "nymvisor init --id m --busy-check /usr/local/bin/check")])

    def test_the_busy_checks_and_hooks_section_runs(self):
        with open(GUIDE) as f:
            commands = [c for _, c in guide_commands(f.read())]
        for needed in ("journalctl -u nymvisor@mixnode NYMVISOR_HOOK=busy_check",
                       "nymvisor init --id mixnode /usr/local/bin/nym-node --busy-check "
                       "/usr/local/bin/nym-node-busy"):
            self.assertIn(needed, commands)
        self.assertTrue(any(c.startswith("cat > /usr/local/bin/nymvisor-notify") for c in commands))


class OperatorGuideTest(SystemdTestCase):

    def setUp(self):
        super().setUp()
        c = self.container
        fake = os.environ.get("NYMVISOR_FAKE_NODE")
        deb = os.environ.get("NYMVISOR_DEB")
        if not fake or not deb:
            self.fail("NYMVISOR_FAKE_NODE and NYMVISOR_DEB must be set (run_e2e.py does)")
        c.copy_in(fake, FAKE_NODE, mode=0o755)
        # The guide's instances follow GitHub, the default: keep them off the
        # network (only loopback in tests); they report the source as failing.
        c.sh("echo '127.0.0.1 api.github.com github.com' >> /etc/hosts")
        # What the operator brings: the package and the downloaded binaries.
        c.copy_in(deb, "/root/nymvisor_0.1.0_amd64.deb", mode=0o644)
        for path, settings in (("/root/nym-node", ["--version", "1.1.0"]),
                               ("/root/nym-node-1.2.0", ["--version", "1.2.0"]),
                               ("/root/nym-socks5-client",
                                ["--version", "1.1.0", "--binary_name", "nym-socks5-client"])):
            c.run([FAKE_NODE, "stamp", path] + settings)

    def run_guide(self):
        """Runs every block; between blocks, waits as the prose tells the reader to."""
        with open(GUIDE) as f:
            blocks = guide_blocks(f.read())
        commands = []
        for section, block in blocks:
            for command in block:
                self.run_command(section, command)
                commands.append(command)
            self.wait_as_the_guide_says(block)
        return commands

    def run_command(self, section, command):
        result = self.container.run(["/bin/sh", "-c", "cd /root && " + command],
                                    check=False, timeout=900)
        self.assertEqual(
            result.returncode, 0,
            "the guide's command in section %r failed (exit %s): %s\nstdout: %s\nstderr: %s"
            % (section, result.returncode, command, result.stdout.decode(errors="replace"),
               result.stderr.decode(errors="replace")))

    def wait_as_the_guide_says(self, block):
        """After enabling: the node is up. After an adhoc upgrade: the agent is idle again."""
        c = self.container
        for command in block:
            enabled = re.match(r"systemctl enable --now nymvisor@(\S+)$", command)
            if enabled:
                c.wait_for_state("nymvisor-daemon@%s.service" % enabled.group(1), "active",
                                 timeout=60)
            if command.startswith("nymvisor add-upgrade") and "--now" in command:
                c.wait_for(lambda: self.committed("mixnode", "v1.2.0"), 600,
                           "the adhoc upgrade to pass its health check")

    def committed(self, instance, name):
        out = self.container.run(["nymvisor", "status", "--id", instance, "-o", "json"],
                                 check=False).stdout.decode()
        try:
            status = json.loads(out)
        except ValueError:
            return False
        return status.get("currentUpgrade") == name and status.get("state") == "idle"

    def test_every_command_of_the_guide_works_as_written(self):
        c = self.container
        commands = self.run_guide()
        self.assertGreater(len(commands), 30)
        # What the guide promised, checked from outside it.
        node = "nymvisor-daemon@mixnode.service"
        c.wait_for_state(node, "active", timeout=30)
        pid = c.show(node, "MainPID")["MainPID"]
        self.assertEqual(c.out(["ps", "-o", "user=", "-p", pid]), "nym")
        self.assertEqual(
            c.out(["readlink", "-f", "/proc/%s/exe" % pid]),
            "/var/lib/nym/.nym/nym-nodes/mixnode/nymvisor/upgrades/v1.2.0/bin/nym-node")
        history = json.loads(c.out(["nymvisor", "history", "--id", "mixnode", "-o", "json"]))
        self.assertEqual([e["info"]["name"] for e in history["history"]], ["v1.2.0"])
        self.assertNotIn("outcome", history["history"][0], "an upgrade that was kept")
        for other, account in (("gateway", "nym-gw"), ("socks5", "nym-socks5")):
            unit = "nymvisor-daemon@%s.service" % other
            c.wait_for_state(unit, "active", timeout=30)
            other_pid = c.show(unit, "MainPID")["MainPID"]
            self.assertEqual(c.out(["ps", "-o", "user=", "-p", other_pid]), account)
        config = json.loads(c.out(["nymvisor", "config", "--id", "mixnode", "-o", "json"]))
        self.assertEqual(config["nymvisor"]["upstream_polling_rate"], "30m")
        self.assertEqual(config["daemon"]["backups_to_keep"], 5)
        self.assertEqual(c.out(["systemctl", "show", "-p", "TimeoutStopUSec", "--value", node]),
                         "30s", "the env file's setting reached the node's unit")
        names = c.out("busctl list --no-pager | grep -io 'net.nymtech.Nymvisor1[.a-z0-9_]*' "
                      "| sort -u")
        self.assertEqual(names.split(), ["net.nymtech.Nymvisor1.gateway",
                                         "net.nymtech.Nymvisor1.mixnode",
                                         "net.nymtech.Nymvisor1.socks5"])


if __name__ == "__main__":
    unittest.main()
