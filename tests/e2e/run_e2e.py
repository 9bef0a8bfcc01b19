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
    ap.add_argument("-j", "--jobs", type=int, default=3,
                    help="containers running at once (the scenarios mostly wait on "
                         "timers, so this exceeds the core count; default %(default)s)")
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
    if args.jobs <= 1 or suite.countTestCases() == 1:
        result = unittest.TextTestRunner(verbosity=2, failfast=args.failfast).run(suite)
        return 0 if result.wasSuccessful() else 1
    return run_parallel(test_ids(suite), args.jobs)


def test_ids(suite):
    """Flatten a suite into test ids (module.Class.test_name)."""
    ids = []
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            ids.extend(test_ids(item))
        else:
            ids.append(item.id())
    return ids


def run_parallel(ids, jobs):
    """Run the tests in `jobs` unittest processes (round-robin over the ids,
    slow classes spread out); print each process's output as it finishes."""
    import subprocess
    buckets = [ids[i::jobs] for i in range(jobs) if ids[i::jobs]]
    digest = os.path.join(os.environ.get("TMPDIR", "/tmp"), "nymvisor-e2e-digest-%d.log"
                          % os.getpid())
    os.environ["NYMVISOR_E2E_DIGEST"] = digest
    procs = []
    for n, bucket in enumerate(buckets):
        log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                "nymvisor-e2e-worker-%d-%d.log" % (os.getpid(), n)), "w+")
        cmd = [sys.executable, "-m", "unittest", "-v"] + bucket
        procs.append((subprocess.Popen(cmd, cwd=HERE, stdout=log, stderr=subprocess.STDOUT), log))
    failed = 0
    ran = broken = 0
    for proc, log in procs:
        try:
            code = proc.wait()
        except KeyboardInterrupt:  # let every worker power off its containers
            for other, _ in procs:
                other.send_signal(signal.SIGINT)
            for other, _ in procs:
                other.wait()
            raise
        log.seek(0)
        text = log.read()
        print(text, flush=True)
        r, b = count_results(text)
        ran += r
        broken += b
        log.close()
        os.unlink(log.name)
        failed += code != 0
    if os.path.exists(digest):
        with open(digest) as f:
            print("e2e: failure digest\n" + f.read(), flush=True)
        os.unlink(digest)
    print("e2e: %d test(s) in %d processes, %d process(es) failed"
          % (len(ids), len(procs), failed), flush=True)
    print("e2e: %d scenario(s) ran, %d passed, %d failed" % (ran, ran - broken, broken), flush=True)
    return 1 if failed or ran != len(ids) else 0


def count_results(text):
    """(tests run, tests failed or errored) from one unittest process's output."""
    import re
    ran = sum(int(n) for n in re.findall(r"^Ran (\d+) tests? in ", text, re.M))
    broken = 0
    for summary in re.findall(r"^FAILED \((.*)\)$", text, re.M):
        broken += sum(int(n) for key, n in re.findall(r"(\w+)=(\d+)", summary)
                      if key in ("failures", "errors", "unexpected_successes"))
    return ran, broken


if __name__ == "__main__":
    sys.exit(main())
