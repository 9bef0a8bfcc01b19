#!/usr/bin/python3
"""Run the end-to-end suite: tests/e2e/test_*.py against real systemd containers.

    sudo /usr/bin/python3 tests/e2e/run_e2e.py [-k PATTERN]... [--keep]
         [--deb build/nymvisor_X_amd64.deb] [--rootfs PATH] [--rebuild-rootfs]

Needs root and: systemd-container mmdebstrap openssl (apt-get install -y ...).
Builds or reuses the rootfs cache, discovers the tests, runs them with
verbosity 2 and exits 0 only if all passed (1 on failures, 2 on usage errors
or when no test matched).
"""

import argparse
import os
import shutil
import signal
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import rootfs  # noqa: E402

TOOLS = {"systemd-nspawn": "systemd-container", "nsenter": "util-linux",
         "openssl": "openssl", "dpkg-deb": "dpkg", "tar": "tar"}


def parse_args(argv):
    """Parse the command line."""
    ap = argparse.ArgumentParser(description="nymvisor end-to-end tests")
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="only tests whose id matches (substring or fnmatch "
                         "pattern, like unittest -k); repeatable")
    ap.add_argument("--keep", action="store_true",
                    help="keep the containers of failed tests running")
    ap.add_argument("--deb", help="nymvisor .deb to install (sets NYMVISOR_DEB)")
    ap.add_argument("--fake-node", help="the fake-node test binary (sets NYMVISOR_FAKE_NODE)")
    ap.add_argument("--rootfs", help="rootfs tarball path (default: cached build)")
    ap.add_argument("--rebuild-rootfs", action="store_true",
                    help="rebuild the rootfs tarball even if cached")
    ap.add_argument("-f", "--failfast", action="store_true", help="stop at first failure")
    return ap.parse_args(argv)


def check_host(need_mmdebstrap):
    """Return a list of problems (not root, missing tools)."""
    problems = []
    if os.geteuid() != 0:
        problems.append("must run as root (systemd-nspawn, nsenter)")
    tools = dict(TOOLS, **({"mmdebstrap": "mmdebstrap"} if need_mmdebstrap else {}))
    missing = sorted({pkg for tool, pkg in tools.items() if not shutil.which(tool)})
    if missing:
        problems.append("missing tools; run: apt-get install -y " + " ".join(missing))
    return problems


def prepare_env(args):
    """Build/find the rootfs and export the harness environment variables."""
    if args.deb:
        os.environ["NYMVISOR_DEB"] = os.path.abspath(args.deb)
    if args.fake_node:
        os.environ["NYMVISOR_FAKE_NODE"] = os.path.abspath(args.fake_node)
    if args.keep:
        os.environ["NYMVISOR_E2E_KEEP"] = "1"
    start = time.monotonic()
    path = rootfs.ensure(args.rootfs, rebuild=args.rebuild_rootfs)
    os.environ["NYMVISOR_E2E_ROOTFS"] = path
    print("e2e: rootfs %s (ready in %.1f s)" % (path, time.monotonic() - start),
          file=sys.stderr)


def load_suite(patterns):
    """Discover tests/e2e/test_*.py, filtered by -k patterns."""
    loader = unittest.TestLoader()
    if patterns:
        loader.testNamePatterns = [p if "*" in p else "*%s*" % p for p in patterns]
    return loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)


def main(argv=None):
    """Entry point; returns the process exit code."""
    args = parse_args(argv)
    need_build = args.rebuild_rootfs or not os.path.isfile(
        args.rootfs or rootfs.default_path())
    problems = check_host(need_build)
    for flag, path in (("--deb", args.deb), ("--fake-node", args.fake_node)):
        if path and not os.path.isfile(path):
            problems.append("%s %s: no such file" % (flag, path))
    if problems:
        for p in problems:
            print("e2e: " + p, file=sys.stderr)
        return 2
    # SIGTERM acts like Ctrl-C: unittest stops, and atexit in container.py
    # powers off and removes the containers (SystemExit would only fail one test).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    prepare_env(args)
    suite = load_suite(args.patterns)
    if suite.countTestCases() == 0:
        print("e2e: no tests matched %s" % args.patterns, file=sys.stderr)
        return 2
    result = unittest.TextTestRunner(verbosity=2, failfast=args.failfast).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
