#!/usr/bin/python3
"""Run nymvisor's benchmarks in real systemd containers (bench/bench_*.py):

    sudo /usr/bin/python3 bench/run_bench.py --deb DEB --fake-node PATH --bench-bin PATH
         [-k PATTERN]... [--out results.json] [--plot downtime.png] [--markdown tables.md]

Each scenario boots a fresh container (tests/e2e's harness), installs the
.deb and measures; every figure is printed in a table with its baseline and
the ratio, and written to --out as JSON with a description of the machine.
Container trees go to $NYMVISOR_E2E_WORKDIR (default /var/tmp/nymvisor-bench:
a disk, not tmpfs, with room for a 4 GiB home and its copies). No figure is
asserted: a scenario fails only when the agent does something wrong.
B8 (bench/bench_rollout.py) is a simulation without a container: it runs
nymvisor-rollout-sim, found beside --bench-bin, and can run alone.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
sys.path.insert(0, HERE)

import results  # noqa: E402
import rootfs  # noqa: E402


def parse_args(argv):
    ap = argparse.ArgumentParser(description="nymvisor benchmarks")
    ap.add_argument("--deb", required=True, help="the nymvisor .deb to install")
    ap.add_argument("--fake-node", required=True, help="the fake-node test binary")
    ap.add_argument("--bench-bin", required=True, help="the nymvisor-bench binary")
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="only scenarios whose id matches; repeatable")
    ap.add_argument("--out", default="bench-results.json", help="JSON results file")
    ap.add_argument("--plot", help="draw the downtime sweep into this PNG (gnuplot)")
    ap.add_argument("--markdown", help="also write the tables as Markdown to this file")
    return ap.parse_args(argv)


def machine():
    """What the figures were measured on."""
    def first(path, key, sep=":"):
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return line.split(sep, 1)[1].strip().strip('"')
        return "?"
    workdir = os.environ["NYMVISOR_E2E_WORKDIR"]
    fstype = subprocess.run(["findmnt", "-n", "-o", "FSTYPE", "-T", workdir],
                            capture_output=True, text=True).stdout.strip()
    return {"cpu": first("/proc/cpuinfo", "model name"), "cores": os.cpu_count(),
            "memory": first("/proc/meminfo", "MemTotal"), "kernel": platform.release(),
            "os": first("/etc/os-release", "PRETTY_NAME", "="),
            "workdir": workdir, "workdir_fs": fstype,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def plot(rows, path):
    """Downtime against home size, one line per series, with gnuplot."""
    series = {}
    for r in rows:
        if r["group"] == "B1" and "size_mib" in r and "series" in r:
            series.setdefault(r["series"], []).append((r["size_mib"], r["value"]))
    if not series or not shutil.which("gnuplot"):
        print("bench: no sweep to plot, or no gnuplot (apt-get install gnuplot-nox)",
              file=sys.stderr)
        return
    data = os.path.splitext(path)[0] + ".dat"
    names = sorted(series)
    with open(data, "w") as f:
        for name in names:
            f.write("# %s\n" % name)
            for size, ms in sorted(series[name]):
                f.write("%d %.3f\n" % (size, ms))
            f.write("\n\n")
    titles = {"floor": "floor: systemctl restart",
              "nymvisor": "nymvisor (pre-copy, then the delta after the stop)",
              "original": "the original's sequence: stop, tar czf, download, sha256sum, start"}
    plots = ", ".join('"%s" index %d with linespoints lw 2 title "%s"'
                      % (data, i, titles.get(n, n)) for i, n in enumerate(names))
    script = ("set terminal png size 900,520 noenhanced; set output '%s'; set logscale xy; "
              "set xlabel 'size of DAEMON_HOME (MiB)'; set ylabel 'node downtime (ms)'; "
              "set key top left; set grid; set title 'Upgrade downtime against the size of "
              "the node data'; plot %s" % (path, plots))
    subprocess.run(["gnuplot", "-e", script], check=True)
    os.remove(data)
    print("bench: plot written to %s" % path, file=sys.stderr)


def main(argv=None):
    args = parse_args(argv)
    for flag, path in (("--deb", args.deb), ("--fake-node", args.fake_node),
                       ("--bench-bin", args.bench_bin)):
        if not os.path.isfile(path):
            print("bench: %s %s: no such file" % (flag, path), file=sys.stderr)
            return 2
    if os.geteuid() != 0:
        print("bench: must run as root (systemd-nspawn)", file=sys.stderr)
        return 2
    os.environ["NYMVISOR_DEB"] = os.path.abspath(args.deb)
    os.environ["NYMVISOR_FAKE_NODE"] = os.path.abspath(args.fake_node)
    os.environ["NYMVISOR_BENCH_BIN"] = os.path.abspath(args.bench_bin)
    os.environ.setdefault("NYMVISOR_E2E_WORKDIR", "/var/tmp/nymvisor-bench")
    os.makedirs(os.environ["NYMVISOR_E2E_WORKDIR"], exist_ok=True)
    os.environ["NYMVISOR_E2E_ROOTFS"] = rootfs.ensure(None)
    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [p if "*" in p else "*%s*" % p for p in args.patterns]
    suite = loader.discover(HERE, pattern="bench_*.py", top_level_dir=HERE)
    if suite.countTestCases() == 0:
        print("bench: no scenario matched %s" % args.patterns, file=sys.stderr)
        return 2
    outcome = unittest.TextTestRunner(verbosity=2).run(suite)
    print("\n" + results.table())
    report = {"machine": machine(), "command": " ".join(sys.argv), "rows": results.ROWS}
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    print("bench: %d figures from %d scenarios written to %s"
          % (len(results.ROWS), outcome.testsRun, args.out))
    if args.plot:
        plot(results.ROWS, args.plot)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(results.markdown())
    return 0 if outcome.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
