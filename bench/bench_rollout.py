#!/usr/bin/python3
"""B8: the network at release time, simulated. nymvisor-rollout-sim plans
one release for 1,000 instances (distinct machine ids; five time zones; no
windows, daily 02:00-04:00, Mon..Fri 22:00-02:00 or Sat,Sun 03:00-05:00)
with the agent's own pure schedule code and the real tzdb, each upgrade
2 minutes down, for rollout_spread 0, 1h, 6h and 24h. Spread 0 (every node
at once, as today) is the baseline of every ratio. No container: run alone

    python3 bench/bench_rollout.py --sim build/bench/nymvisor-rollout-sim \\
        [--out rollout.json] [--plot docs/benchmarks-rollout.png] [--markdown b8.md]

or as one scenario of bench/run_bench.py (`-k rollout`), which finds the
simulator beside --bench-bin. Same seed and release instant, same figures:
nothing here is timed, and nothing is asserted but the simulator's success.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import results  # noqa: E402

SIM = "nymvisor-rollout-sim"
CHECKPOINTS = ("1h", "6h", "24h", "48h")


def find_sim():
    """$NYMVISOR_ROLLOUT_SIM, else beside run_bench.py's nymvisor-bench,
    else build/bench/ of this tree; None when none exists."""
    candidates = [os.environ.get("NYMVISOR_ROLLOUT_SIM")]
    if os.environ.get("NYMVISOR_BENCH_BIN"):
        candidates.append(os.path.join(os.path.dirname(os.environ["NYMVISOR_BENCH_BIN"]), SIM))
    candidates.append(os.path.join(HERE, "..", "build", "bench", SIM))
    return next((c for c in candidates if c and os.path.isfile(c)), None)


def simulate(sim, extra=()):
    """The simulator's report (its --json output)."""
    out = subprocess.run([sim, "--json", *extra], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("%s failed: %s" % (sim, out.stderr.strip()))
    return json.loads(out.stdout)


def record(report):
    """The figures of every spread, spread 0 as each one's baseline."""
    base = report["spreads"][0]
    figures = [("most instances down in one minute", "peak_down", "inst", 1)]
    figures += [("still on the old version after %s" % t, "old_after_" + t, "%", 100)
                for t in CHECKPOINTS]
    figures += [("mean time behind", "mean_hours_behind", "h", 1),
                ("config score lost while behind", "score_hours_lost", "h", 1)]
    for s in report["spreads"]:
        for name, key, unit, scale in figures:
            extra = {} if s is base else {"baseline": base[key] * scale,
                                          "baseline_name": "spread 0"}
            results.record("B8", "spread %s: %s" % (s["spread"], name), s[key] * scale, unit,
                           spread=s["spread"], key=key, **extra)


def plot(report, path):
    """Two panels against hours since the release, one line per spread:
    the share on the old version, and the most instances down in one
    minute of each hour (an hour with none down is left out)."""
    if not shutil.which("gnuplot"):
        raise RuntimeError("no gnuplot (apt-get install gnuplot-nox)")
    data = os.path.splitext(path)[0] + ".dat"
    with open(data, "w") as f:
        for s in report["spreads"]:
            series = s["series"]
            f.write("# spread %s: hours, %% old (every 10 min)\n" % s["spread"])
            for i, share in enumerate(series["old_share_per_10min"]):
                f.write("%.4f %.2f\n" % (i / 6.0, share * 100))
            f.write("\n\n# spread %s: hour, most down in one minute of it\n" % s["spread"])
            minutes = series["down_per_minute"]
            for h in range(0, len(minutes) // 60):
                most = max(minutes[h * 60:(h + 1) * 60])
                f.write("%.1f %s\n" % (h + 0.5, most if most else "?"))
            f.write("\n\n")
    names = [s["spread"] for s in report["spreads"]]
    old = ", ".join("'%s' index %d with steps lw 2 title 'rollout_spread %s'" % (data, 2 * i, n)
                    for i, n in enumerate(names))
    down = ", ".join("'%s' index %d with points pt 7 ps 0.8 title 'rollout_spread %s'"
                     % (data, 2 * i + 1, n) for i, n in enumerate(names))
    title = "%d instances, release %s, %s down each" % (
        report["instances"], report["release"], report["downtime"])
    script = ("set terminal png size 900,760 noenhanced; set output '%s'; "
              "set multiplot layout 2,1 title '%s'; set grid; set xrange [0:96]; "
              "set xtics 6; set key top right; "
              "set ylabel 'share on the old version (%%)'; set yrange [0:100]; plot %s; "
              "set xlabel 'hours since the release'; "
              "set ylabel 'most down in one minute of each hour'; "
              "set logscale y; set yrange [0.8:1000]; plot %s; unset multiplot"
              % (path, title, old, down))
    subprocess.run(["gnuplot", "-e", script], check=True)
    os.remove(data)
    print("bench: plot written to %s" % path, file=sys.stderr)


class RolloutSimTest(unittest.TestCase):
    """B8 as a scenario of bench/run_bench.py."""

    def test_rollout_spread_1000_instances(self):
        sim = find_sim()
        if sim is None:
            self.skipTest("no %s (cmake --build build --target %s)" % (SIM, SIM))
        report = simulate(sim)
        self.assertEqual([s["spread"] for s in report["spreads"]], ["0h", "1h", "6h", "24h"])
        record(report)


def main(argv=None):
    ap = argparse.ArgumentParser(description="B8: the network at release time, simulated")
    ap.add_argument("--sim", default=find_sim(), help="the %s binary" % SIM)
    ap.add_argument("--out", default="rollout-results.json", help="JSON results file")
    ap.add_argument("--plot", help="draw both panels into this PNG (gnuplot)")
    ap.add_argument("--markdown", help="also write the table as Markdown to this file")
    args = ap.parse_args(argv)
    if not args.sim or not os.path.isfile(args.sim):
        print("bench: --sim %s: no such file (cmake --build build --target %s)"
              % (args.sim, SIM), file=sys.stderr)
        return 2
    report = simulate(args.sim)
    record(report)
    print(results.table())
    with open(args.out, "w") as f:
        json.dump({"command": " ".join(sys.argv), "simulation": report, "rows": results.ROWS},
                  f, indent=1)
    print("bench: %d figures written to %s" % (len(results.ROWS), args.out), file=sys.stderr)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(results.markdown())
    if args.plot:
        plot(report, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
