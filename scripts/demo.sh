#!/bin/bash
# The main job, from a fresh Debian 12 machine (run as root): builds the
# nymvisor .deb, boots a real systemd in a container, installs the package,
# runs a fake Nym node under nymvisor, publishes an upgrade on a loopback
# upstream and shows the upgrade happen, ending with a summary (versions,
# downtime, where the backup is).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
mkdir -p build
echo "building the .deb without the unit tests (a few minutes; log: build/demo-build.log)..."
# Progress: ninja's [done/total] counter, one line per tenth of the build.
progress() {
  local last=-1 line
  while IFS= read -r line; do
    printf '%s\n' "$line" >>build/demo-build.log
    if [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
      local tenth=$((BASH_REMATCH[1] * 10 / BASH_REMATCH[2]))
      if ((tenth != last)); then
        last=$tenth
        echo "  compiling: ${BASH_REMATCH[1]} of ${BASH_REMATCH[2]} steps"
      fi
    fi
  done
}
: >build/demo-build.log
deb=$(DEB_BUILD_OPTIONS=nocheck scripts/build-deb.sh 2> >(progress) || {
  sleep 1
  tail -50 build/demo-build.log >&2
  exit 1
})
sleep 1  # let the progress reader finish its last lines
echo "built $deb"
python3 scripts/demo_upgrade.py --deb "$deb" --fake-node obj-*/tests/fake-node
