#!/usr/bin/env bash
# Runs vigil_bench_cpu in rounds on a shared machine and merges them into one JSON.
#
#   bench/run_cpu.sh BENCH_BINARY OUT.json [ROUNDS] [-- extra benchmark flags]
#
# Each round is one repetition of every benchmark, started once the machine
# has been nearly idle (busy < IDLE_MAX_PCT % of all CPUs over 5 s; wait at
# most IDLE_WAIT_S seconds, then run anyway). bench/report.py then takes the
# median over the rounds, dropping the runs that another process disturbed
# (runq_wait). Defaults: 5 rounds, --benchmark_min_time=0.3.
set -euo pipefail

bin=$1 out=$2 rounds=${3:-5}
shift $(($# < 3 ? $# : 3))
[[ ${1:-} == -- ]] && shift
IDLE_MAX_PCT=${IDLE_MAX_PCT:-8}
IDLE_WAIT_S=${IDLE_WAIT_S:-1800}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

busy_pct() {  # share of all CPUs busy over 5 s, from /proc/stat
  local a b
  read -r -a a < /proc/stat
  sleep 5
  read -r -a b < /proc/stat
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}

for ((r = 1; r <= rounds; r++)); do
  waited=0
  while (( waited < IDLE_WAIT_S )) && (( $(busy_pct) >= IDLE_MAX_PCT )); do waited=$((waited + 5)); done
  echo "round $r/$rounds: $(date -u +%FT%TZ), waited ${waited}s for an idle machine, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  "$bin" --benchmark_min_time=0.3 "$@" --benchmark_out="$tmp/round$r.json" --benchmark_out_format=json >/dev/null
done
python3 "$here/report.py" --merge-out "$out" "$tmp"/round*.json
echo "wrote $out; summary: python3 $here/report.py $out" >&2
