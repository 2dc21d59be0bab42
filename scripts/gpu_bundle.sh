#!/usr/bin/env bash
# Builds what the GPU suite runs, here, for a GPU machine that cannot build it.
#
#   scripts/gpu_bundle.sh [BUNDLE_DIR] [CUDA_ARCH]    (defaults: gpu-bundle, 90)
#
# The lent GPU machines have CUDA's compiler but none of the Debian packages
# Vigil links (libsecp256k1, libsodium, RocksDB, GoogleTest, Google
# Benchmark, ...), and nothing can be fetched there. So this machine builds
# for the GPU's architecture and packs into BUNDLE_DIR:
#   bin/   vigil, vigil_gpu_tests, vigil_bench_gpu (stripped)
#   lib/   libvigil and every shared library they load, the C library and
#          its loader included, so that they run whatever the GPU machine's
#          own libraries are (scripts/gpu_suite.sh starts them through the
#          bundled loader; the driver's libcuda is still the machine's own)
#   kernel_resources.md  the kernels' registers, stack and spills (ptxas)
#   MANIFEST             commit, date, architecture, sizes
# BUNDLE_DIR is ignored by git (.gitignore) and travels with the device
# tool's `carry`: with the repository's tracked files it must stay under the
# tool's 64 MiB, which this checks.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bundle=${1:-$VIGIL_ROOT/gpu-bundle}
arch=${2:-90}
build=${VIGIL_GPU_BUILD:-$VIGIL_ROOT/build-gpu}
command -v nvcc >/dev/null || { echo "gpu_bundle: nvcc not found: the kernels cannot be built here" >&2; exit 1; }

echo "== build for sm_$arch in $build"
cmake -S "$VIGIL_ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVIGIL_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="$arch" >/dev/null
cmake --build "$build" -j "$VIGIL_JOBS" --target vigil_tool vigil_gpu_tests vigil_bench_gpu

rm -rf "$bundle"
mkdir -p "$bundle/bin" "$bundle/lib"
bins=("$build/bin/vigil" "$build/tests/vigil_gpu_tests" "$build/bench/vigil_bench_gpu")
cp "${bins[@]}" "$bundle/bin/"
# Every shared library the programs load (ldd's resolved paths), the loader too.
for b in "${bins[@]}"; do ldd "$b"; done | awk '/=> \//{print $3} /^[ \t]*\/.*ld-linux/{print $1}' | sort -u |
  while read -r lib; do cp -L "$lib" "$bundle/lib/"; done
# The rest of the C library that the driver's libcuda may load (dlopen'd by
# the CUDA runtime): from the bundle's own glibc, never the machine's.
for lib in libdl.so.2 librt.so.1 libpthread.so.0 libm.so.6; do
  [[ -e $bundle/lib/$lib || ! -e /lib/x86_64-linux-gnu/$lib ]] || cp -L "/lib/x86_64-linux-gnu/$lib" "$bundle/lib/"
done
strip --strip-unneeded "$bundle"/bin/* "$bundle"/lib/* 2>/dev/null || true

python3 "$VIGIL_ROOT/scripts/kernel_resources.py" --build "$build" >/dev/null || true
cp "$build/kernel_resources.md" "$bundle/" 2>/dev/null || echo "(no kernel resource report)" >"$bundle/kernel_resources.md"
{
  echo "commit $(git -C "$VIGIL_ROOT" rev-parse --short HEAD)$(git -C "$VIGIL_ROOT" diff --quiet HEAD || echo ' (dirty)')"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n), nvcc $(nvcc --version | tail -1), sm_$arch"
  echo "size $(du -sh "$bundle" | cut -f1)"
} >"$bundle/MANIFEST"
cat "$bundle/MANIFEST"
size_kb=$(du -sk "$bundle" | cut -f1)
tree_kb=$(($(git -C "$VIGIL_ROOT" ls-files -z | (cd "$VIGIL_ROOT" && xargs -0 du -cb 2>/dev/null) | tail -1 | cut -f1) / 1024))
if ((size_kb + tree_kb > 62 * 1024)); then
  echo "gpu_bundle: the bundle ($((size_kb / 1024)) MiB) and the tracked tree ($((tree_kb / 1024)) MiB) are over the" \
    "device tool's 64 MiB (2 MiB kept spare)" >&2
  exit 1
fi
