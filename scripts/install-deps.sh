#!/bin/bash
# Installs everything nymvisor needs to build, package and test, from Debian's
# package registry. Safe to run again; run as root on Debian 12 (bookworm).
set -euo pipefail

packages=(
  # build (keep in step with Build-Depends in debian/control)
  build-essential cmake ninja-build pkgconf git clang-format scdoc systemd
  libsdbus-c++-dev libsdbus-c++-bin libsystemd-dev libcurl4-openssl-dev
  nlohmann-json3-dev libinih-dev libssl-dev libcli11-dev libgtest-dev libgmock-dev
  libhowardhinnant-date-dev
  # packaging
  debhelper dpkg-dev lintian
  # end-to-end tests: a real systemd in a container, a loopback upstream
  systemd-container mmdebstrap python3 openssl util-linux procps
  # reflink copies (unit tests, e2e, bench B2): XFS on a loop device, filefrag
  xfsprogs e2fsprogs
  # signatures for the signed-upstream scenarios, made with the real tool
  minisign
  # the unit tests under sanitizers and the fuzz targets (scripts/sanitize.sh)
  clang libclang-rt-14-dev
  # the etcd adapter's tests start their own etcd on loopback (ctest label etcd)
  etcd-server etcd-client
  # scripts/test.sh builds the same objects twice (the .deb, then the demo's):
  # a compiler cache for the run makes the second build a lookup
  ccache
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# etcd-server enables and starts a system-wide etcd where systemd runs: the
# tests start their own on free ports, so keep the package's one stopped.
if [ -d /run/systemd/system ] && systemctl is-enabled --quiet etcd.service 2>/dev/null; then
  systemctl disable --now etcd.service
fi

# promtool checks the agent's metrics in the end-to-end suite. It comes from
# Debian's prometheus package, whose server we do not want running here: take
# the one binary out of the package instead of installing it.
if ! command -v promtool >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq prometheus >/dev/null 2>&1 \
     || { apt-get update -qq && apt-get download -qq prometheus; })
  dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
  install -m 0755 "$tmp/root/usr/bin/promtool" /usr/local/bin/promtool
  rm -rf "$tmp"
fi
