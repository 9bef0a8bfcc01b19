#!/bin/bash
# The benchmarks, from a fresh Debian 12 machine (run as root): builds the
# .deb (and nymvisor-bench and fake-node with it), then runs bench/run_bench.py:
# every scenario in a real systemd container, a table of figures, baselines
# and ratios at the end, the JSON in build/bench/results.json and the
# downtime plot in build/bench/downtime.png. Takes 30-60 minutes: the
# original's sequence on a 4 GiB home alone gzips 4 GiB.
#   NYMVISOR_BENCH_SIZES=10,1024 scripts/bench.sh -k sweep   # a quicker subset
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
command -v gnuplot >/dev/null || apt-get install -y --no-install-recommends gnuplot-nox
mkdir -p build/bench
echo "building the .deb without the unit tests (log: build/bench/build.log)..."
deb=$(DEB_BUILD_OPTIONS=nocheck scripts/build-deb.sh 2>build/bench/build.log) || {
  tail -50 build/bench/build.log >&2
  exit 1
}
exec python3 bench/run_bench.py --deb "$deb" --fake-node obj-*/tests/fake-node \
  --bench-bin obj-*/bench/nymvisor-bench --out build/bench/results.json \
  --plot build/bench/downtime.png --markdown build/bench/tables.md "$@"
