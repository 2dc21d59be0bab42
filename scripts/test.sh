#!/usr/bin/env bash
# The README's second command (and CI's): builds and runs the whole test
# suite twice: a Release build (with the GPU kernels when a CUDA toolkit is
# present; GPU tests skip without a device) and an AddressSanitizer +
# UndefinedBehaviorSanitizer build of the CPU code.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$VIGIL_ROOT/scripts/install-deps.sh"

release=$VIGIL_ROOT/build
asan=$VIGIL_ROOT/build-asan

echo "== Release build"
cmake -S "$VIGIL_ROOT" -B "$release" -G Ninja -DCMAKE_BUILD_TYPE=Release ${VIGIL_CMAKE_ARGS:-}
cmake --build "$release" -j "$VIGIL_JOBS"
echo "== Release tests"
ctest --test-dir "$release" --output-on-failure -j "$VIGIL_JOBS" -LE long

echo "== ASan+UBSan build (CPU code)"
cmake -S "$VIGIL_ROOT" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_SANITIZE=ON \
  -DVIGIL_CUDA=OFF -DVIGIL_BUILD_BENCH=OFF
cmake --build "$asan" -j "$VIGIL_JOBS"
echo "== ASan+UBSan tests"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
VIGIL_DIFF_N=${VIGIL_DIFF_N_SANITIZE:-2000} ctest --test-dir "$asan" --output-on-failure -j "$VIGIL_JOBS" -LE long

echo "== libFuzzer targets, ${FUZZ_SECONDS:-30}s each (block, transaction, signature, command inputs)"
"$VIGIL_ROOT/scripts/fuzz.sh" "${FUZZ_SECONDS:-30}"
