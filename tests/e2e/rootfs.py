#!/usr/bin/python3
"""Build and cache a Debian bookworm root filesystem tarball for the e2e tests.

The tarball is made once with mmdebstrap and cached under a path whose name
contains a hash of everything that shapes it (suite, mirrors, package list and
RECIPE_VERSION), so changing any of these builds a new one. A build writes a
temporary file in the cache directory and renames it into place, so an
interrupted build never leaves a broken cache. A lock file serialises
concurrent builders of the same tarball.

CLI:  python3 tests/e2e/rootfs.py [--out PATH] [--extra PKG,PKG] [--rebuild]
prints the tarball path on stdout.
"""

import argparse
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# NYMVISOR_E2E_CACHE_DIR moves the cache out of build/ (which a clean build
# may wipe, taking the tarball with it).
CACHE_DIR = os.environ.get("NYMVISOR_E2E_CACHE_DIR") or os.path.join(REPO, "build", "e2e")

# Bump when the build recipe (hooks, flags) changes so old caches are not reused.
RECIPE_VERSION = 4
SUITE = "bookworm"
MIRRORS = (
    "deb http://deb.debian.org/debian bookworm main",
    "deb http://deb.debian.org/debian bookworm-updates main",
    "deb http://deb.debian.org/debian-security bookworm-security main",
)
BASE_PACKAGES = (
    "systemd", "systemd-sysv", "dbus", "libsystemd0", "ca-certificates",
    "procps", "polkitd", "curl",
)
# Runtime libraries of nymvisor, so its .deb installs without network
# (libdate-tz3 and tzdata: the time zones of maintenance windows).
DEFAULT_EXTRA_PACKAGES = ("libsdbus-c++1", "libcurl4", "libinih1", "libssl3",
                          "libdate-tz3", "tzdata")

# Shell hooks run on the new root ($1) after the packages are installed:
# - an empty /etc/machine-id lets every fresh tree get its own id on first
#   boot (systemd commits it, so a reboot of the same tree keeps it);
# - no /etc/hostname (mmdebstrap copies the host's), so the hostname is the
#   nspawn machine name;
# - a minimal /etc/hosts (there is none) so "localhost" resolves via files;
# - /var/log/journal makes the journal persistent, so `journalctl -b -1`
#   works after reboot_same_tree();
# - the apt/dpkg timers are masked: they would reach for the network and
#   take the dpkg lock at random times during tests.
CUSTOMIZE_HOOKS = (
    'truncate -s 0 "$1/etc/machine-id"',
    'rm -f "$1/etc/hostname"',
    r"""printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$1/etc/hosts" """,
    'mkdir -p "$1/var/log/journal"',
    'for t in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer; do '
    'ln -sf /dev/null "$1/etc/systemd/system/$t"; done',
)


def package_list(extra=DEFAULT_EXTRA_PACKAGES):
    """Return the sorted, de-duplicated package list for --include."""
    return sorted(set(BASE_PACKAGES) | set(extra))


def cache_key(packages, suite=SUITE, mirrors=MIRRORS):
    """Return a short hash of everything that determines the tarball content."""
    blob = json.dumps({"v": RECIPE_VERSION, "suite": suite,
                       "mirrors": list(mirrors), "packages": sorted(packages),
                       "hooks": list(CUSTOMIZE_HOOKS)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def default_path(extra=DEFAULT_EXTRA_PACKAGES):
    """Return build/e2e/rootfs-<hash>.tar for the given extra packages."""
    key = cache_key(package_list(extra))
    return os.path.join(CACHE_DIR, "rootfs-%s.tar" % key)


def _mmdebstrap(packages, out_tmp, log_path):
    """Run mmdebstrap writing a plain tar to out_tmp; raise with the log tail."""
    cmd = ["mmdebstrap", "--variant=apt", "--format=tar", "--mode=root",
           "--include=" + ",".join(packages)]
    cmd += ["--customize-hook=" + h for h in CUSTOMIZE_HOOKS]
    cmd += [SUITE, out_tmp] + list(MIRRORS)
    with open(log_path, "wb") as log:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=log,
                              stderr=subprocess.STDOUT, timeout=1800)
    if proc.returncode != 0:
        with open(log_path, "rb") as log:
            tail = log.read()[-4000:].decode(errors="replace")
        raise RuntimeError("mmdebstrap failed (exit %d), expected exit 0; "
                           "log %s ends with:\n%s"
                           % (proc.returncode, log_path, tail))


def ensure(path=None, extra=DEFAULT_EXTRA_PACKAGES, rebuild=False, quiet=False):
    """Return the path of a complete rootfs tarball, building it if missing.

    path defaults to default_path(extra). With rebuild=True an existing
    tarball is replaced. Safe against concurrent callers and interruption.
    """
    path = os.path.abspath(path or default_path(extra))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(path) and not rebuild:
            return path
        tmp = "%s.partial-%d.tar" % (path[:-4] if path.endswith(".tar")
                                     else path, os.getpid())
        log_path = path + ".build.log"
        if not quiet:
            print("e2e: building rootfs %s (mmdebstrap, log %s) ..."
                  % (path, log_path), file=sys.stderr, flush=True)
        start = time.monotonic()
        try:
            _mmdebstrap(package_list(extra), tmp, log_path)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        if not quiet:
            print("e2e: rootfs built in %.1f s" % (time.monotonic() - start),
                  file=sys.stderr, flush=True)
        return path


def main(argv=None):
    """CLI entry point: build (or reuse) the tarball and print its path."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="tarball path (default build/e2e/rootfs-<hash>.tar)")
    ap.add_argument("--extra", default=",".join(DEFAULT_EXTRA_PACKAGES),
                    help="comma-separated extra packages (default: %(default)s)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild even if cached")
    args = ap.parse_args(argv)
    extra = [p for p in args.extra.split(",") if p]
    print(ensure(args.out, extra, rebuild=args.rebuild))
    return 0


if __name__ == "__main__":
    sys.exit(main())
