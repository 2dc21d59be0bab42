#!/usr/bin/env bash
# The README's first command: installs what is missing, builds (Release, GPU
# kernels when a CUDA toolkit is present) and runs the main job on bundled
# real data:
#   - `vigil verify` over 4,635 published test vectors (Wycheproof, BIP340,
#     RFC 8032/SUPERCOP, ZIP-215 edge cases), its verdicts compared with the
#     vectors' own;
#   - `vigil merkle` over real mainnet block 413567 (txids, Merkle root
#     against the header, CVE-2012-2459 mutation flag);
#   - `vigil block check` of the same block: Bitcoin's context-free rules and
#     all 5,815 signatures of its P2PKH and P2SH-multisig spends;
#   - `vigil replay` of mainnet blocks 0..438 from genesis into a UTXO set
#     (every signature verified with the spent outputs from the set).
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$VIGIL_ROOT/scripts/install-deps.sh"

build=${VIGIL_BUILD_DIR:-$VIGIL_ROOT/build}
cmake -S "$VIGIL_ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${VIGIL_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$VIGIL_JOBS" --target vigil_tool
vigil=$build/bin/vigil
data=$VIGIL_ROOT/tests/data

echo "== vigil verify tests/data/checks/vectors.checks"
verdicts=$(mktemp)
trap 'rm -f "$verdicts"' EXIT
"$vigil" verify "$data/checks/vectors.checks" >"$verdicts"
if cmp -s "$verdicts" "$data/checks/vectors.expected"; then
  echo "all $(wc -l <"$verdicts") verdicts equal the published vectors' results"
else
  echo "MISMATCH: verdicts differ from tests/data/checks/vectors.expected" >&2
  diff "$verdicts" "$data/checks/vectors.expected" | head >&2
  exit 1
fi

echo "== vigil merkle tests/data/bitcoin-core/block413567.raw"
"$vigil" merkle "$data/bitcoin-core/block413567.raw"

echo "== vigil block check tests/data/bitcoin-core/block413567.raw"
"$vigil" block check "$data/bitcoin-core/block413567.raw"

echo "== vigil replay tests/data/bitcoinj/first-100k-blocks.dat (mainnet blocks 0..438)"
datadir=$(mktemp -d)
trap 'rm -f "$verdicts"; rm -rf "$datadir"' EXIT
"$vigil" replay --datadir "$datadir" "$data/bitcoinj/first-100k-blocks.dat"
