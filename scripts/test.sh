#!/bin/bash
# The whole test suite, from a fresh Debian 12 machine (run as root):
# formatting, a warning-free build of the .deb with the unit tests, lintian,
# the units' hardening score, the end-to-end suite in a real systemd and
# the README's demo (scripts/demo.sh, build included). CI (.ci/run) runs
# exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==== %s\n' "$*"; }

step "installing dependencies"
scripts/install-deps.sh

step "checking formatting (clang-format, Google style)"
clang-format --dry-run --Werror $(git ls-files --cached --others --exclude-standard "agent/*.h" "agent/*.cc" "tests/*.h" "tests/*.cc" "bench/*.cc")

logs=$(mktemp -d)
reflink=$(mktemp -d)
cache=$(mktemp -d)
trap 'umount "$reflink" 2>/dev/null; rm -rf "$logs" "$reflink" "$reflink.img" "$cache"' EXIT

# The demo (last) builds the .deb's objects again from scratch, as an
# operator's first run does; a compiler cache private to this run (cmake
# reads the launcher from the environment) turns that second compile into
# lookups. The cache goes with the run: nothing carries over between runs.
export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_DIR=$cache/ccache

step "an XFS filesystem on a loop device, for the unit tests of reflink copies"
if truncate -s 512M "$reflink.img" && mkfs.xfs -q -m reflink=1 "$reflink.img" &&
  mount -o loop "$reflink.img" "$reflink"; then
  chmod 1777 "$reflink"
  export NYMVISOR_TEST_REFLINK_DIR=$reflink
  echo "mounted on $reflink"
else
  echo "no XFS on a loop device here: the reflink tests will be skipped"
fi

step "building the .deb (dpkg-buildpackage runs the unit tests through ctest)"
scripts/build-deb.sh 2>&1 | tee "$logs/build"
deb=$(tail -1 "$logs/build")
unit=$(grep -oP 'tests passed, 0 tests failed out of \K\d+' "$logs/build" | tail -1)
skipped=$(grep -c '(Skipped)$' "$logs/build" || true)

step "lintian"
lintian --fail-on error,warning --pedantic -I "${deb%.deb}.changes"

step "hardening of the agent unit (systemd-analyze security, exposure <= 2.0)"
# As the generator's drop-in makes it for a node account (User=nym), and as
# it runs for a root node (no User=).
unprivileged=$(mktemp -d)
sed 's/^\[Service\]$/[Service]\nUser=nym/' units/nymvisor@.service > "$unprivileged/nymvisor@.service"
printf 'unprivileged setup: '
systemd-analyze security --offline=true --threshold=20 "$unprivileged/nymvisor@.service" | tail -1
printf 'root setup: '
systemd-analyze security --offline=true --threshold=20 units/nymvisor@.service | tail -1
rm -rf "$unprivileged"

step "unit tests under ASan+UBSan, and the fuzz targets (scripts/sanitize.sh)"
scripts/sanitize.sh 2>&1 | tee "$logs/sanitize"
asan=$(grep -oP '^sanitizers: \K\d+(?= unit tests)' "$logs/sanitize" | tail -1)
fuzz=$(grep -oP ', \K\d+(?= fuzz executions)' "$logs/sanitize" | tail -1)

step "end-to-end tests in a real systemd (tests/e2e)"
python3 tests/e2e/run_e2e.py --deb "$deb" --fake-node obj-*/tests/fake-node | tee "$logs/e2e"
e2e=$(grep -oP '^e2e: \K\d+(?= scenario\(s\) ran)' "$logs/e2e" | tail -1)

# Last, because it builds the .deb again (without the unit tests, as an
# operator's first run does) over build/deb and obj-*.
step "the demo, as the README runs it (scripts/demo.sh: build, install, upgrade)"
scripts/demo.sh 2>&1 | tee "$logs/demo"
# demo_upgrade.py prints this line only after it checked the summary.
if ! grep -q '^demo: upgrade done and checked: ' "$logs/demo"; then
  echo "the demo exited 0 but did not reach its checked summary (see above)" >&2
  exit 1
fi

step "all tests passed"
echo "ran and passed: ${unit:-?} unit tests (${skipped:-?} skipped), ${e2e:-?} end-to-end scenarios in a real systemd, ${asan:-?} unit tests under ASan+UBSan, ${fuzz:-?} fuzz executions, the demo, formatting, lintian, hardening"
