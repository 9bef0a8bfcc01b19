#!/bin/bash
# The unit tests under AddressSanitizer and UndefinedBehaviorSanitizer, then
# each libFuzzer target (tests/fuzz) for a bounded time from its committed
# seed corpus (tests/fuzz/corpus/<target>), all built with clang in
# build-sanitize/. Fuzz longer with FUZZ_SECONDS=3600 scripts/sanitize.sh;
# new inputs it finds stay in build-sanitize/corpus/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
build=build-sanitize
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$flags -fsanitize=fuzzer-no-link -Werror" \
  -DNYMVISOR_FUZZ=ON > /dev/null
cmake --build "$build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" -j2 --output-on-failure | tee "$build/ctest.log" | tail -3
unit=$(grep -oP 'tests passed, 0 tests failed out of \K\d+' "$build/ctest.log")
total=0
for target in records config values; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  "$build/tests/${target}_fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    "$corpus" "tests/fuzz/corpus/$target" 2> "$build/$target.log" \
    || { tail -40 "$build/$target.log"; exit 1; }
  runs=$(grep -oP 'Done \K\d+(?= runs)' "$build/$target.log")
  echo "fuzz $target: $runs executions in ${seconds}s, no crash"
  total=$((total + runs))
done
echo "sanitizers: ${unit} unit tests passed under ASan+UBSan; ${total} fuzz executions without a crash"
