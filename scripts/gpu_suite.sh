#!/usr/bin/env bash
# Everything a GPU machine should run, in one call (the device tool lends a
# GPU for minutes, rarely):
#
#   scripts/gpu_suite.sh [OUT_DIR]          (default: $OUT, else ./gpu-out)
#
# It runs the programs of a bundle made beforehand on a build machine by
# scripts/gpu_bundle.sh (gpu-bundle/, or $VIGIL_GPU_BUNDLE): the lent GPU
# machines have nvcc but none of the libraries Vigil links, and cannot fetch
# them. Where no bundle is found it makes one first (a machine with the
# build's packages). The steps, each logged into OUT_DIR:
#   1. device      nvidia-smi and the bundle's manifest            -> device.txt
#   2. kernels     ptxas's registers, stack and spills per kernel  -> kernel_resources.md
#   3. tests       every gpu-labelled test (vigil_gpu_tests)       -> tests-gpu.log
#   4. vigil bench --backend gpu: each signature scheme, hashing, the engine
#                  and the replay of a simulated chain, GPU rows beside the
#                  CPU and reference-library rows of the same run, with the
#                  model rows                                      -> vigil-bench.json, vigil-bench.md
#   5. vigil_bench_gpu: batch-size curves, crossover and engine probes
#                                                                  -> bench-gpu.json, bench-gpu.txt
# The first step that fails stops the suite with a message saying which and
# why; what the earlier steps measured stays in OUT_DIR. summary.txt (the
# eighth file: the device tool returns eight) says how each step ended.
#
# SUITE_SECONDS (default 480) is the whole budget; each step gets a share of
# what is left, and step 5 whatever remains (BENCH_FILTER narrows it;
# GPU_TESTS_FILTER, a gtest filter, narrows step 3).
# VIGIL_GPU_SUITE_EMULATED=1 is the practice run on a machine without a GPU:
# the emulated device (VIGIL_FAULT_INJECT=device=emulated, the kernels' code
# on the host) stands in for the GPU and the benchmarks run in quick form.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-${OUT:-$root/gpu-out}}
bundle=${VIGIL_GPU_BUNDLE:-$root/gpu-bundle}
budget=${SUITE_SECONDS:-480}
emulated=${VIGIL_GPU_SUITE_EMULATED:-0}
mkdir -p "$out"
start=$(date +%s)
summary=$out/summary.txt
: >"$summary"

note() { echo "$*" | tee -a "$summary"; }
left() { echo $((budget - ($(date +%s) - start))); }
# stop STEP WHY: the suite ends here, saying so.
stop() {
  note "STOPPED at step $1: $2"
  note "kept in $out: $(cd "$out" && ls | tr '\n' ' ')"
  exit 1
}
# Bundled programs start through the bundled loader ("${bundled[@]}" PROG),
# so that the bundle's own C library and libraries serve them whatever the
# machine has. The driver's libcuda stays the machine's own: its folders
# follow the bundle's (--library-path replaces LD_LIBRARY_PATH, so that is
# kept here too).
libpath="$bundle/lib:${LD_LIBRARY_PATH:-}:/usr/local/nvidia/lib64:/usr/local/nvidia/lib"
bundled=("$bundle/lib/ld-linux-x86-64.so.2" --library-path "$libpath")

note "gpu_suite: $(date -u +%Y-%m-%dT%H:%M:%SZ), budget ${budget}s, emulated=$emulated"
if ((emulated)); then
  export VIGIL_FAULT_INJECT=device=emulated
fi

# 1. The device and the bundle.
if [[ ! -x $bundle/bin/vigil ]]; then
  note "no bundle at $bundle: making one (scripts/gpu_bundle.sh)"
  "$here/gpu_bundle.sh" "$bundle" >"$out/bundle-build.log" 2>&1 || stop 1 "the bundle could not be built (bundle-build.log)"
fi
{
  nvidia-smi 2>&1 || echo "nvidia-smi: not available"
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,memory.total --format=csv 2>&1 || true
  echo "--- bundle"
  cat "$bundle/MANIFEST"
  echo "--- machine: $(nproc) cores, $(uname -srm)"
} >"$out/device.txt"
note "device: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1 || echo none)"
note "bundle: $(head -1 "$bundle/MANIFEST")"
"${bundled[@]}" "$bundle/bin/vigil" --version >/dev/null 2>"$out/loader.err" || stop 1 "the bundled programs do not start here: $(head -3 "$out/loader.err")"

# 2. Kernel resources (from the build; costs no GPU time).
cp "$bundle/kernel_resources.md" "$out/kernel_resources.md"
# The field operations' SASS (the GPU machine has cuobjdump; the build
# machine counted PTX for the model rows): the first GPU run corrects them.
{
  echo
  echo "## Field operations in SASS (sm_90, this bundle's libvigil)"
  python3 "$here/kernel_resources.py" --sass-probes "$bundle/lib/libvigil.so.0" 2>&1
} >>"$out/kernel_resources.md"
note "kernels: $(grep -c '^| verify\|^| hash\|^| merkle\|^| swap\|^| self' "$out/kernel_resources.md") kernels in kernel_resources.md"

# 3. The GPU tests.
t=$(($(left) / 4))
((t > 180)) && t=180
((emulated)) && t=$(($(left)))
note "tests: vigil_gpu_tests (limit ${t}s)"
timeout "$t" "${bundled[@]}" "$bundle/bin/vigil_gpu_tests" \
  --gtest_filter="${GPU_TESTS_FILTER:-*}" >"$out/tests-gpu.log" 2>&1
rc=$?
note "tests: $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$out/tests-gpu.log" | tr '\n' ';')"
((rc == 124)) && stop 3 "vigil_gpu_tests ran past ${t}s (tests-gpu.log)"
((rc != 0)) && stop 3 "vigil_gpu_tests failed, rc $rc (tests-gpu.log)"
if ((!emulated)) && grep -q '^\[  SKIPPED \]' "$out/tests-gpu.log"; then
  stop 3 "GPU tests were skipped: no usable GPU ($(grep -m1 'no usable GPU' "$out/tests-gpu.log"))"
fi

# 4. vigil bench on the GPU backend.
t=$(($(left) * 2 / 3))
quick=()
((emulated)) && quick=(--quick)
note "vigil bench --backend gpu ${quick[*]} (limit ${t}s)"
rm -rf "$out/vb"
timeout "$t" "${bundled[@]}" "$bundle/bin/vigil" bench --backend gpu \
  "${quick[@]}" --out "$out/vb" >"$out/vigil-bench.log" 2>&1
rc=$?
[[ -f $out/vb/bench.json ]] && mv "$out/vb/bench.json" "$out/vigil-bench.json"
[[ -f $out/vb/report.md ]] && mv "$out/vb/report.md" "$out/vigil-bench.md"
rm -rf "$out/vb"
((rc == 124)) && stop 4 "vigil bench ran past ${t}s (vigil-bench.log)"
((rc != 0)) && stop 4 "vigil bench failed, rc $rc (vigil-bench.log: $(tail -2 "$out/vigil-bench.log" | tr '\n' ' '))"
rm -f "$out/vigil-bench.log"
note "vigil bench: $(grep -c '| ' "$out/vigil-bench.md") table rows in vigil-bench.md"

# 5. The batch-size curves and probes, in what time is left.
t=$(($(left) - 10))
if ((t < 30)); then
  note "vigil_bench_gpu: not run, ${t}s left"
else
  # The GPU rows: step 4 measured the CPU and the libraries beside them.
  filter=${BENCH_FILTER:-/gpu/}
  min_time=0.2
  if ((emulated)); then
    filter=${BENCH_FILTER:-'verifier/(ecdsa|schnorr|ed25519)/gpu/(1|16)/|hasher/merkle/gpu/10/'}
    min_time=0.01
  fi
  note "vigil_bench_gpu --benchmark_filter='$filter' (limit ${t}s)"
  timeout "$t" "${bundled[@]}" "$bundle/bin/vigil_bench_gpu" \
    --benchmark_filter="$filter" --benchmark_min_time="$min_time" \
    --benchmark_out="$out/bench-gpu.json" --benchmark_out_format=json >"$out/bench-gpu.txt" 2>&1
  rc=$?
  ((rc == 124)) && stop 5 "vigil_bench_gpu ran past ${t}s; the rows it printed are in bench-gpu.txt"
  ((rc != 0)) && stop 5 "vigil_bench_gpu failed, rc $rc (bench-gpu.txt)"
  note "vigil_bench_gpu: $(grep -c '"name"' "$out/bench-gpu.json") rows"
fi
note "done in $(($(date +%s) - start))s"
