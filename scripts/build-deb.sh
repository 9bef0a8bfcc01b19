#!/bin/bash
# Builds the nymvisor .deb with dpkg-buildpackage (which also runs the unit
# tests through ctest, unless DEB_BUILD_OPTIONS=nocheck) and copies it to
# build/deb/. Warnings are errors. Prints the path of the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEB_CXXFLAGS_APPEND="${DEB_CXXFLAGS_APPEND:-} -Werror"
dpkg-buildpackage -us -uc -b >&2
version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
mkdir -p build/deb
# The .changes file lists the others; lintian reads them all.
for f in "nymvisor_${version}_${arch}".{deb,changes,buildinfo} \
         "nymvisor-dbgsym_${version}_${arch}.deb"; do
  cp "../$f" build/deb/
done
echo "build/deb/nymvisor_${version}_${arch}.deb"
