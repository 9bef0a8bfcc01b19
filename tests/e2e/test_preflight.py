"""Preflight: a staged binary that cannot run here is refused before it is first run.

Each binary is the fake node with bytes patched as the real failures look:
an ELF for another machine, one that needs a newer glibc than the
container's, and a staging directory on a noexec mount. The node is never
touched, and the refusal is named in the journal and the history.
"""

import re

from nymvisor_case import NODE, UpgradeTestCase


class PreflightTest(UpgradeTestCase):

    def refused(self, name, binary, needle):
        self.publish(name, "1.2.0", in_seconds=0, binary=binary)
        entry = self.container.wait_for(
            lambda: [e for e in self.agent_events() if e[0] == "VerificationFailed"
                     and e[2].get("NYMVISOR_UPGRADE") == name], 60,
            "the agent to refuse %s" % name)[0][2]
        self.assertIn(needle, entry["NYMVISOR_REASON"])
        history = self.read_json(self.home + "/nymvisor/upgrade-history.json")
        self.assertTrue([h for h in history["history"] if h["info"]["name"] == name
                         and needle in h.get("reason", "")], history)

    def test_binaries_that_cannot_run_here_are_refused_and_the_node_runs_on(self):
        c = self.container
        self.start_instance()
        invocation = self.prop(NODE % "mixnode", "InvocationID")
        good = self.stamp_on_host(version="1.2.0")

        arm = bytearray(good)
        arm[18:20] = (183).to_bytes(2, "little")
        self.refused("v2-arm", bytes(arm),
                     "preflight: the binary is for aarch64, this machine is x86-64")

        versions = sorted(set(re.findall(rb"GLIBC_2\.[0-9]{2}\x00", good)))
        self.assertTrue(versions, "the fake node needs some GLIBC_2.xx")
        newer = good.replace(versions[-1], b"GLIBC_9.99\x00")
        self.refused("v3-glibc", newer, "preflight: the binary needs glibc 9.99, this host has 2.")

        upgrades = self.home + "/nymvisor/upgrades"
        c.sh("mount -t tmpfs -o noexec,mode=0755,uid=$(id -u nym),gid=$(id -g nym) tmpfs %s"
             % upgrades)
        self.addCleanup(lambda: c.run(["umount", upgrades], check=False))
        self.refused("v4-noexec", good, "mounted noexec")

        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), invocation,
                         "the node was never stopped")
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/genesis/bin/nym-node")
