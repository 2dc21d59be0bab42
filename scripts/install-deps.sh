#!/usr/bin/env bash
# Installs the Debian packages Vigil needs that are not installed yet.
# The CUDA toolkit is not installed here: when nvcc is found (PATH, CUDACXX or
# /usr/local/cuda) the GPU kernels are built, otherwise the CPU-only library.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config python3
  libssl-dev libsecp256k1-dev libsodium-dev zlib1g-dev
  libboost-dev libtbb-dev librocksdb-dev bzip2
  clang libclang-rt-14-dev  # the libFuzzer targets (scripts/fuzz.sh); the fuzzer runtime is only a Recommends of clang
  gnuplot-nox  # the plots of vigil bench
  libgtest-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo=()
  if [[ $(id -u) != 0 ]]; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all Debian packages present" >&2
fi

if ! command -v nvcc >/dev/null && [[ -z ${CUDACXX:-} ]] && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  echo "install-deps: CUDA found at /usr/local/cuda (add /usr/local/cuda/bin to PATH; the build scripts do)" >&2
fi
