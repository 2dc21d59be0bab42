# Sourced by the build scripts: finds nvcc where the CUDA toolkit usually lives.
if ! command -v nvcc >/dev/null 2>&1 && [[ -z ${CUDACXX:-} ]] && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  export PATH=/usr/local/cuda/bin:$PATH
fi
VIGIL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VIGIL_JOBS=${VIGIL_JOBS:-$(nproc)}
