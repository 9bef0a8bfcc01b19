#!/bin/bash
# The main job, from a fresh Debian 12 machine (run as root): builds the
# nymvisor .deb, boots a real systemd in a container, installs the package,
# runs a fake Nym node under nymvisor, publishes an upgrade on a loopback
# upstream and shows the upgrade happen, ending with a summary (versions,
# downtime, where the backup is). scripts/test.sh (hence CI) runs this very
# script and checks that it reaches its summary.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
mkdir -p build
log=build/demo-build.log
echo "building the .deb without the unit tests (a few minutes; log: $log)..."

# Reads the build's output (stderr of build-deb.sh) on its stdin, keeps all
# of it in the log and shows, on the terminal, each packaging phase and,
# while it compiles, ninja's [done/total] counter once per tenth.
declare -A phases=(
  [dh_auto_configure]="configuring (cmake)"
  [dh_auto_build]="compiling (ninja)"
  [dh_auto_install]="installing into the package tree"
  [dh_builddeb]="writing the .deb"
)
progress() {
  local last=-1 line phase=
  while IFS= read -r line; do
    printf '%s\n' "$line" >>"$log"
    if [[ $phase == dh_auto_build && $line =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
      local tenth=$((BASH_REMATCH[1] * 10 / BASH_REMATCH[2]))
      if ((tenth != last)); then
        last=$tenth
        echo "  compiling: ${BASH_REMATCH[1]} of ${BASH_REMATCH[2]} steps"
      fi
    elif [[ $line =~ ^[[:space:]]*(dh_auto_configure|dh_auto_build|dh_auto_install|dh_builddeb)([[:space:]]|$) ]]; then
      phase=${BASH_REMATCH[1]}
      echo "  ${phases[$phase]}"
    fi
  done
}

# build-deb.sh prints the .deb's path on stdout and everything else on
# stderr: the path goes to a file, the rest through progress() to the
# terminal. A plain pipeline (no process substitution inside $(...)) keeps
# the two apart and waits for progress() to print its last line.
: >"$log"
path_file=build/demo-deb-path
: >"$path_file"
if ! DEB_BUILD_OPTIONS=nocheck scripts/build-deb.sh 2>&1 >"$path_file" | progress; then
  tail -50 "$log" >&2
  echo "demo: building the .deb failed (the whole output is in $log)" >&2
  exit 1
fi
deb=$(<"$path_file")
if [[ $deb != *.deb || ! -f $deb ]]; then
  echo "demo: scripts/build-deb.sh printed '$deb' instead of the path of the" \
    ".deb it built; see $log" >&2
  exit 1
fi
echo "built $deb"
fake_node=(obj-*/tests/fake-node)
if ((${#fake_node[@]} != 1)) || [[ ! -x ${fake_node[0]} ]]; then
  echo "demo: expected one stand-in node at obj-*/tests/fake-node after the" \
    "build, found: ${fake_node[*]}; remove stale obj-* directories" >&2
  exit 1
fi
exec python3 scripts/demo_upgrade.py --deb "$deb" --fake-node "${fake_node[0]}"
