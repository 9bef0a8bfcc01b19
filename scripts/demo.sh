#!/bin/bash
# The main job, from a fresh Debian 12 machine (run as root): builds nymvisor
# and initialises an instance for a fake Nym node in a scratch directory, then
# shows what init created.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build

demo=$(mktemp -d /tmp/nymvisor-demo.XXXXXX)
export NYMVISOR_CONFIG_PATH="$demo/etc/mixnode.toml"
nymvisor=build/nymvisor
node="$demo/dist/nym-node"
mkdir -p "$demo/dist" "$demo/var/lib/nym/mixnode"
build/tests/fake-node stamp "$node" --version 1.1.12

show() { printf '\n$ %s\n' "$*"; "$@"; }
show "$nymvisor" init --id mixnode --daemon-home "$demo/var/lib/nym/mixnode" "$node" -- run --id mixnode
show find "$demo/var/lib/nym/mixnode" -printf '%M %u %p%l\n'
show cat "$NYMVISOR_CONFIG_PATH"
show cat "$demo/var/lib/nym/mixnode/nymvisor/current-version.json"
show "$nymvisor" daemon-build-info
show "$nymvisor" config -o json
printf '\nThe demo instance is in %s\n' "$demo"
