"""Backups taken while the node runs, in a real systemd: the agent copies the
home ahead of the stop and, after it, only what changed since; the backup
must still equal the home at the moment of the stop, for a node that writes
its database right up to that moment. Both on the container's ext4 and on
an XFS home (reflinks).
"""

import subprocess

import loopfs
from nymvisor_case import AGENT, NODE, UpgradeTestCase


class BackupWhileWritingTest(UpgradeTestCase):

    def start_writing_node(self, mib):
        """The 1.1.0 node overwrites data/db.bin at 10 MiB/s until it stops."""
        c = self.container
        c.sh("head -c %dM /dev/urandom > %s/data/db.bin && chown nym:nym %s/data/db.bin"
             % (mib, self.home, self.home))
        c.write_file("/etc/systemd/system/%s.d/writer.conf" % (NODE % "mixnode"),
                     "[Service]\nEnvironment=FAKE_NODE_WRITE_FILE=%s/data/db.bin "
                     "FAKE_NODE_WRITE_VERSION=1.1.0\n" % self.home)
        c.run(["systemctl", "daemon-reload"])
        c.run(["systemctl", "restart", NODE % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)

    def test_the_backup_equals_the_home_of_a_node_written_up_to_its_stop(self):
        c = self.container
        self.start_instance()
        self.start_writing_node(64)
        written = self.data_digest()
        self.publish("v2", "1.2.0", in_seconds=0)
        self.wait_for_event("UpgradeSucceeded", timeout=120)
        # 1.2.0 does not write: the home is what the old version left at its stop.
        at_stop = self.data_digest()
        self.assertNotEqual(at_stop, written, "the node wrote during the upgrade")
        backup = c.out("ls -d %s/nymvisor/backups/v2/backup-*-preupgrade" % self.home)
        self.assertEqual(self.data_digest(backup), at_stop, "every file as it was at the stop")
        self.check_copy_of_database(backup + "/data/db.bin")
        self.assertIn("NYMVISOR_STEP=pre-copying",
                      c.out(["journalctl", "-u", AGENT % "mixnode", "--no-pager", "-o", "verbose"]))

    def check_copy_of_database(self, path):
        """Checks how the backup holds the database (nothing more on ext4)."""

    def test_a_rollback_restores_the_backup_byte_for_byte(self):
        c = self.container
        self.start_instance()
        c.sh("head -c 32M /dev/urandom > %s/data/db.bin && chown nym:nym %s/data/db.bin"
             % (self.home, self.home))
        before = self.data_digest()
        # 1.2.0 migrates (appends to the database) and then fails to start.
        self.publish("v2", "1.2.0", in_seconds=0, exit_at_start=1,
                     mutate_file=self.home + "/data/db.bin")
        self.wait_for_event("UpgradeRolledBack", timeout=120)
        backup = c.out("ls -d %s/nymvisor/backups/v2/backup-*-preupgrade" % self.home)
        self.assertEqual(self.data_digest(backup), before)
        self.assertEqual(self.data_digest(), before, "the home is the backup again")
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)


class BackupPreflightTest(UpgradeTestCase):
    """What the agent (the node's account, no capabilities) could not copy
    back after the stop is refused while the node still runs (issue 21)."""

    def test_a_file_of_another_account_abandons_the_upgrade_before_the_stop(self):
        c = self.container
        self.start_instance()
        c.sh("echo root > %s/data/root-owned && chown root:root %s/data/root-owned"
             % (self.home, self.home))
        since = self.prop(NODE % "mixnode", "ActiveEnterTimestampMonotonic")
        data = self.data_digest()
        self.publish("v2", "1.2.0", in_seconds=0)
        aborted = self.wait_for_event("UpgradeAborted", timeout=60)
        reason = aborted["NYMVISOR_REASON"]
        self.assertIn(self.home + "/data/root-owned belongs to uid 0", reason)
        self.assertIn("chown -h nym: " + self.home + "/data/root-owned", reason)
        self.assertEqual(self.prop(NODE % "mixnode", "ActiveEnterTimestampMonotonic"), since,
                         "the node was never stopped")
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         self.home + "/nymvisor/genesis/bin/nym-node")
        self.assertEqual(self.data_digest(), data)
        c.wait_for(lambda: c.out("ls -A %s/nymvisor/backups/v2" % self.home) == "", 30,
                   "the pre-copy's partial copy to be removed")


class BackupOnReflinkFilesystemTest(BackupWhileWritingTest):
    """The same, with the node's home on XFS: the agent's copies are reflinks
    and a changed database is reflinked whole again after the stop rather
    than compared (the container's own ext4 has no reflinks)."""

    def container_binds(self):
        self.xfs = loopfs.xfs_bind(self, "/var/lib/nym/mixnode")
        return super().container_binds() + [self.xfs]

    def setUp(self):
        super().setUp()
        fs = self.container.out(["stat", "-f", "-c", "%T", "/var/lib/nym/mixnode"])
        self.assertEqual(fs.strip(), "xfs")

    def check_copy_of_database(self, path):
        host, guest, _ = self.xfs  # read on the host: the container has no filefrag
        extents = subprocess.run(["filefrag", "-v", host + path[len(guest):]], check=True,
                                 capture_output=True, text=True).stdout
        self.assertIn("shared", extents, "the backup's database shares its blocks with the home's")
