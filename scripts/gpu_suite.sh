#!/usr/bin/env bash
# Everything a machine with a GPU should run, in one go (the device tool
# allows few calls): a build for the GPU's architecture, the GPU tests, the
# kernels' resource usage, and the GPU benchmarks as JSON.
#
#   scripts/gpu_suite.sh [OUT_DIR] [CUDA_ARCH]     (defaults: $OUT or ./gpu-out, 90)
#
# OUT_DIR receives: build.log, ptxas.txt (registers, stack, spills per
# kernel), ctest-gpu.log, nvidia-smi.txt, bench-gpu.json (+ .txt), and
# summary.txt. Benchmarks run even when a test fails, so that one call gives
# both. BENCH_FILTER narrows the benchmarks (a Google Benchmark regex).
set -uo pipefail
source "$(dirname "$0")/env.sh"
out=${1:-${OUT:-$VIGIL_ROOT/gpu-out}}
arch=${2:-90}
mkdir -p "$out"
build=$VIGIL_ROOT/build-gpu
{
  nvidia-smi || true
  nvidia-smi -q -d CLOCK,POWER,MEMORY | head -60 || true
} >"$out/nvidia-smi.txt" 2>&1

echo "== build (sm_$arch)"
cmake -S "$VIGIL_ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVIGIL_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="$arch" -DCMAKE_CUDA_FLAGS="-Xptxas -v" >"$out/build.log" 2>&1 &&
  cmake --build "$build" -j "$VIGIL_JOBS" >>"$out/build.log" 2>&1
build_rc=$?
grep -E "Compiling entry|Function properties|registers|spill|stack frame" "$out/build.log" >"$out/ptxas.txt" || true
if ((build_rc != 0)); then
  echo "build failed (rc $build_rc): see build.log" | tee "$out/summary.txt"
  tail -40 "$out/build.log"
  exit 1
fi

echo "== ctest -L gpu"
ctest --test-dir "$build" -L gpu --output-on-failure -j 1 >"$out/ctest-gpu.log" 2>&1
test_rc=$?
grep -E "tests passed|Failed|Skipped|measured GPU/CPU crossover" "$out/ctest-gpu.log" | head -40

echo "== vigil_bench_gpu"
"$build/bench/vigil_bench_gpu" --benchmark_filter="${BENCH_FILTER:-.}" --benchmark_min_time=0.2 \
  --benchmark_out="$out/bench-gpu.json" --benchmark_out_format=json >"$out/bench-gpu.txt" 2>&1
bench_rc=$?

{
  echo "commit $(git -C "$VIGIL_ROOT" rev-parse --short HEAD)$(git -C "$VIGIL_ROOT" diff --quiet || echo ' (dirty)')"
  echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "device $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
  echo "arch sm_$arch; ctest -L gpu rc $test_rc; vigil_bench_gpu rc $bench_rc"
} | tee "$out/summary.txt"
exit $((test_rc != 0 || bench_rc != 0))
