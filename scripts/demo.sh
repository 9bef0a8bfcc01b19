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
echo "building the .deb (this takes a few minutes)..."
deb=$(DEB_BUILD_OPTIONS=nocheck scripts/build-deb.sh 2>build/demo-build.log || {
  tail -50 build/demo-build.log >&2
  exit 1
})
python3 scripts/demo_upgrade.py --deb "$deb" --fake-node obj-*/tests/fake-node
