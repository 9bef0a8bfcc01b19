"""Backups taken while the node runs, in a real systemd: the agent copies the
home ahead of the stop and, after it, only what changed since; the backup
must still equal the home at the moment of the stop, for a node that writes
its database right up to that moment.
"""

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
        self.assertIn("NYMVISOR_STEP=pre-copying",
                      c.out(["journalctl", "-u", AGENT % "mixnode", "--no-pager", "-o", "verbose"]))

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
