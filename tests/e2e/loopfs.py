"""An XFS filesystem (reflink=1) on a loop device, made on the host for one
test and bound into its container: the agent's copies on a filesystem with
reflinks, which the container's own tree (ext4 here) has not."""

import os
import subprocess
import tempfile


def xfs_bind(test, guest_path, size="8G"):
    """Mounts a fresh XFS image on the host; returns the (host, guest, False)
    bind for test.container_binds(). Skips `test` where the host cannot
    (no loop devices, no mkfs.xfs). Unmounted lazily after the test: the
    container, closed later, still holds its bind."""
    work = tempfile.mkdtemp(prefix="nymvisor-xfs-")
    test.addCleanup(subprocess.run, ["rm", "-rf", work])
    image, mnt = os.path.join(work, "xfs.img"), os.path.join(work, "mnt")
    os.mkdir(mnt)
    made = subprocess.run("truncate -s {s} {i} && mkfs.xfs -q -m reflink=1 {i} && "
                          "mount -o loop {i} {m}".format(s=size, i=image, m=mnt), shell=True,
                          capture_output=True, text=True)
    if made.returncode != 0:
        test.skipTest("no XFS on a loop device here: %s" % made.stderr.strip())
    test.addCleanup(subprocess.run, ["umount", "-l", mnt])
    return (mnt, guest_path, False)
