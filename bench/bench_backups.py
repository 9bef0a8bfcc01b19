"""B2: the backup store on a 1 GiB home (20,000 small files and a database),
against `cp -a` and `tar -czf` on the same tree, each followed by a sync; and
B3: download and verify of a 512 MiB binary against curl and sha256sum."""

import hashlib
import json
import os
import statistics
import subprocess
import tempfile

import loopfs
from benchcase import BENCH_BIN, BenchCase

XFS = "/var/lib/bench-xfs"  # the reflink scenario's filesystem, bound in


class BackupBench(BenchCase):

    def timed(self, script, timeout=3600):
        """Seconds a shell script takes in the container (bash's `time`)."""
        out = self.container.out(["bash", "-c", "TIMEFORMAT=%%R; { time { %s ; } >/dev/null ; } "
                                  "2>&1" % script], timeout=timeout)
        return float(out.splitlines()[-1])

    def bytes_of(self, path):
        return int(self.container.out("du -sb %s | cut -f1" % path))

    def container_binds(self):
        """The reflink scenario's XFS image, bound in at XFS (the container's
        own ext4 has no reflinks); skipped where the host cannot mount one."""
        binds = super().container_binds()
        if self._testMethodName == "test_backups_1gib_reflinks":
            binds.append(loopfs.xfs_bind(self, XFS))
        return binds

    def test_backups_1gib(self):
        self.backups("/var/lib/bench", "")

    def test_backups_1gib_reflinks(self):
        self.backups(XFS, " on XFS (reflinks)")

    def backups(self, root, where):
        """B2 on a 1 GiB home under `root`: ours against cp -a and tar."""
        home = root + "/home"
        self.make_home(1024, root=home)
        # cp -a before and after ours, the faster counting: creating files
        # costs more right after many were deleted (ext4 skips recently
        # freed inodes), which the first copy of a scenario pays.
        cp_before = self.timed("cp -a %s %s/cp && sync" % (home, root))
        tar = self.timed("tar -czf %s/home.tgz -C %s . && sync" % (root, home))
        tar_bytes = self.bytes_of("%s/home.tgz" % root)
        out = self.container.out([BENCH_BIN, "backup", home, root + "/work"], timeout=3600)
        rows = [json.loads(line) for line in out.splitlines()]
        self.assertTrue(rows[-1].get("verified"), "every restore byte-identical: %s" % out)
        ours = {r["figure"]: r for r in rows if "figure" in r}
        if not where:
            idle = json.loads(self.container.out(
                [BENCH_BIN, "idle-delta", home, root + "/idle"], timeout=3600).splitlines()[-1])
            self.record("B2", "delta after the stop (nothing changed; 20,481 files)",
                        idle["seconds"], "s", files_unchanged=idle["files_unchanged"])
        cp = min(cp_before, self.timed("cp -a %s %s/cp2 && sync" % (home, root)))
        cp_bytes = self.bytes_of("%s/cp" % root)
        first = ours["first backup"]
        self.record("B2", "first backup (+syncfs)" + where, first["seconds"], "s", baseline=cp,
                    baseline_name="cp -a + sync", goal="within 1.2x of cp -a",
                    met=first["seconds"] <= 1.2 * cp, bytes_written=first["bytes_written"],
                    baseline_bytes=cp_bytes)
        for name in ("incremental backup (1% changed)", "delta after the stop (1% changed)"):
            r = ours[name]
            self.record("B2", name + where, r["seconds"], "s", baseline=tar,
                        baseline_name="tar -czf + sync", goal="20x faster than tar -czf",
                        met=tar / r["seconds"] >= 20, bytes_written=r["bytes_written"],
                        baseline_bytes=tar_bytes, files_linked=r["files_linked"],
                        files_patched=r["files_patched"])
        for name in ("pre-copy (node running)", "restore (2% differs)"):
            r = ours[name]
            self.record("B2", name + where, r["seconds"], "s", baseline=cp,
                        baseline_name="cp -a + sync", bytes_written=r["bytes_written"],
                        verified=True)

    def padded_node(self, mib):
        """A fake node of `mib` MiB (random padding before its settings)."""
        with tempfile.TemporaryDirectory() as tmp:
            padded = os.path.join(tmp, "padded")
            with open(os.environ["NYMVISOR_FAKE_NODE"], "rb") as f, open(padded, "wb") as out:
                out.write(f.read())
                out.write(os.urandom(mib << 20))
            os.chmod(padded, 0o755)
            subprocess.run([padded, "stamp", padded + ".out", "--version", "1.2.0"], check=True)
            with open(padded + ".out", "rb") as f:
                return f.read()

    def test_download_512mib(self):
        binary = self.padded_node(512)
        self.upstream.put("/bin/big/nym-node", binary)
        url = "%s/bin/big/nym-node" % self.upstream.http_url
        sha = hashlib.sha256(binary).hexdigest()
        ours, theirs = [], []
        for _ in range(3):
            self.container.sh("rm -rf /var/lib/bench/stage /var/lib/bench/f")
            out = self.container.out([BENCH_BIN, "stage", url, sha, "/var/lib/bench/stage"],
                                     timeout=600)
            ours.append(json.loads(out.splitlines()[-1])["seconds"])
            theirs.append(self.timed("curl -fsS -o /var/lib/bench/f %s && sha256sum "
                                     "/var/lib/bench/f" % url, timeout=600))
        ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
        self.record("B3", "download + verify 512 MiB (stager, one pass)", ours_s, "s",
                    baseline=theirs_s, baseline_name="curl -o f && sha256sum",
                    goal="0.7x of the baseline or less", met=ours_s <= 0.7 * theirs_s)
