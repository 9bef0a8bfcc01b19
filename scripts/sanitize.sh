#!/bin/bash
# The unit tests under AddressSanitizer and UndefinedBehaviorSanitizer (gcc,
# build-asan/), then each libFuzzer target (tests/fuzz; clang, build-fuzz/)
# for a bounded time from its committed seed corpus (tests/fuzz/corpus/).
# Fuzz longer with FUZZ_SECONDS=3600 scripts/sanitize.sh; the new inputs it
# finds stay in build-fuzz/corpus/<target>. (clang 14 cannot build the shell
# layer, which uses std::source_location; the fuzzed parsers do not. The main
# build is the warning-clean one: gcc warns falsely in std::regex under ASan.)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE= \
  -DCMAKE_CXX_FLAGS="$sanitizers -O1 -g1 -Wno-maybe-uninitialized" > /dev/null
cmake --build build-asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan -j2 --output-on-failure > build-asan/ctest.log 2>&1 \
  || { tail -60 build-asan/ctest.log; exit 1; }
unit=$(grep -oP 'tests passed, 0 tests failed out of \K\d+' build-asan/ctest.log)
echo "asan+ubsan: $unit unit tests passed"

targets=(records_fuzz config_fuzz values_fuzz)
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS="$sanitizers -fsanitize=fuzzer-no-link -O1 -g1" -DNYMVISOR_FUZZ=ON > /dev/null
cmake --build build-fuzz --target "${targets[@]}"
total=0
for target in "${targets[@]}"; do
  name=${target%_fuzz}
  corpus="build-fuzz/corpus/$name"
  mkdir -p "$corpus"
  "build-fuzz/tests/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    "$corpus" "tests/fuzz/corpus/$name" 2> "build-fuzz/$name.log" \
    || { tail -40 "build-fuzz/$name.log"; exit 1; }
  runs=$(grep -oP 'Done \K\d+(?= runs)' "build-fuzz/$name.log")
  echo "fuzz $name: $runs executions in ${seconds}s, no crash"
  total=$((total + runs))
done
echo "sanitizers: $unit unit tests under ASan+UBSan, $total fuzz executions, no finding"
