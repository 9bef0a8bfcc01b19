#!/bin/bash
# The whole test suite, from a fresh Debian 12 machine (run as root):
# installs what it needs, checks formatting, builds warning-free and runs the
# unit tests. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==== %s\n' "$*"; }

step "installing dependencies"
scripts/install-deps.sh

step "checking formatting (clang-format, Google style)"
clang-format --dry-run --Werror agent/*.h agent/*.cc tests/*.h tests/*.cc

step "building (warnings are errors)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="-Werror"
cmake --build build

step "unit tests"
ctest --test-dir build --output-on-failure -j"$(nproc)"

step "all tests passed"
