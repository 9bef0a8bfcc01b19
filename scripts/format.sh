#!/bin/bash
# Formats the C++ sources in place with the project's .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
clang-format -i $(git ls-files --cached --others --exclude-standard "agent/*.h" "agent/*.cc" "tests/*.h" "tests/*.cc" "bench/*.cc")
