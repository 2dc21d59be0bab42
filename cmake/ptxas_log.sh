#!/usr/bin/env bash
# CMAKE_CUDA_COMPILER_LAUNCHER (cmake/VigilCuda.cmake): runs the nvcc command
# it is given and keeps what ptxas says of each kernel (-Xptxas=-v:
# registers, stack frame, spill stores and loads, shared memory) in
# <object>.ptxas.log beside the object, for scripts/kernel_resources.py.
# Everything else nvcc prints still reaches the build log; the exit status is
# nvcc's.
out=""
prev=""
for arg in "$@"; do
  [[ $prev == -o ]] && out=$arg
  prev=$arg
done
if [[ -z $out ]]; then
  exec "$@"
fi
log=$out.ptxas.log
"$@" 2>"$log.tmp"
rc=$?
grep -v -E '^ptxas info|^    [0-9]+ bytes stack frame' "$log.tmp" >&2
if ((rc == 0)); then mv "$log.tmp" "$log"; else rm -f "$log.tmp" "$log"; fi
exit $rc
