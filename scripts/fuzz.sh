#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (the whole CPU build instrumented,
# with ASan and UBSan) and runs each for a bounded time on seed corpora made
# from the real data in tests/data. Any crash, leak or sanitizer report fails
# the run, and the reproducer is left in build-fuzz/artifacts/.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default: $FUZZ_SECONDS or 30)
set -euo pipefail
source "$(dirname "$0")/env.sh"
seconds=${1:-${FUZZ_SECONDS:-30}}
build=$VIGIL_ROOT/build-fuzz
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CC=clang CXX=clang++ cmake -S "$VIGIL_ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVIGIL_CUDA=OFF -DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF -DVIGIL_BUILD_TOOLS=ON -DVIGIL_BUILD_FUZZ=ON \
  -DBUILD_SHARED_LIBS=OFF -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$build" -j "$VIGIL_JOBS" --target fuzz_block fuzz_transaction fuzz_signature fuzz_inputs fuzz_consensus fuzz_script fuzz_deferred

# Seed corpora from the real data: every block of the bundled files, their
# transactions, and the command inputs of the tests.
corpus=$build/corpus
mkdir -p "$build/artifacts"
if [[ ! -d $corpus/consensus ]]; then
  mkdir -p "$corpus"/{block,transaction,signature,inputs,consensus}
  python3 - "$VIGIL_ROOT/tests/data" "$corpus" <<'PY'
import os, struct, sys
data, out = sys.argv[1], sys.argv[2]
def blocks(path):
    raw = open(path, 'rb').read()
    if raw[:4] in (b'\xf9\xbe\xb4\xd9', b'\xfa\xbf\xb5\xda'):
        pos = 0
        while pos + 8 <= len(raw) and raw[pos:pos+4] != b'\0\0\0\0':
            n = struct.unpack('<I', raw[pos+4:pos+8])[0]
            yield raw[pos+8:pos+8+n]; pos += 8 + n
    elif path.endswith(('.hex', '.txt')):
        for line in raw.split():
            yield bytes.fromhex(line.decode())
    else:
        yield raw
files = ['bitcoinj/first-100k-blocks.dat', 'bitcoinj/block169482.dat', 'bitcoinj/block_testnet700000.dat',
         'rust-bitcoin/testnet-924634.raw', 'rust-bitcoinkernel/block_data.txt']
n = 0
for f in files:
    for i, b in enumerate(blocks(os.path.join(data, f))):
        if i % 20 and not f.endswith('.raw'): continue
        open(f'{out}/block/{n}', 'wb').write(b); n += 1
        open(f'{out}/inputs/{n}', 'wb').write(b[:4000])
        # the block's first non-coinbase bytes after the header, as a transaction seed
        open(f'{out}/transaction/{n}', 'wb').write(bytes([25, 0, 1, 0]) + b[81:81+2000])
for i, line in enumerate(open(os.path.join(data, 'checks/vectors.checks'), errors='ignore')):
    if i % 50 == 0:
        open(f'{out}/inputs/check{i}', 'w').write(line)
        parts = line.split()
        if len(parts) == 4:
            try:
                key, msg, sig = (bytes.fromhex(p) if p != '-' else b'' for p in parts[1:])
                open(f'{out}/signature/{i}', 'wb').write(bytes([i % 6, len(key)]) + (msg + bytes(32))[:32] + key + sig)
            except ValueError:
                pass
# simulated-chain shapes: a chain configuration, and the regtest blocks
open(f'{out}/consensus/chain.json', 'w').write('{"chain_id":"f","network":"regtest","modules":[{"height":0,"name":"pow"},{"height":5,"name":"bft"}],"rules":{"segwit":0},"bft":{"validators":[{"key":"' + '11'*32 + '","stake":1}]}}')
for i, b in enumerate(blocks(os.path.join(data, 'rust-bitcoinkernel/block_data.txt'))):
    if i % 25 == 0: open(f'{out}/consensus/{i}', 'wb').write(b)
open(f'{out}/inputs/prevouts', 'w').write('# spent\n' + 'ab' * 32 + ':0 5000 0014' + '11' * 20 + '\n')
PY
fi
# The script targets read structured fuzz bytes (tests/fuzz/fuzz_spends.hpp):
# a fixed set of random seeds gives them every output form from the start.
if [[ ! -d $corpus/deferred ]]; then
  mkdir -p "$corpus"/{script,deferred}
  python3 - "$corpus" <<'PY'
import random, sys
rng = random.Random(18)
for t in ('script', 'deferred'):
    for i in range(64):
        open(f'{sys.argv[1]}/{t}/seed{i}', 'wb').write(bytes(rng.randrange(256) for _ in range(rng.randrange(16, 600))))
PY
fi

status=0
for t in block transaction signature inputs consensus script deferred; do
  echo "== fuzz_$t for ${seconds}s"
  if ! "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$build/artifacts/fuzz_$t-" \
      -rss_limit_mb=4096 "$corpus/$t" 2>"$build/fuzz_$t.log"; then
    echo "fuzz_$t FAILED: see $build/fuzz_$t.log and $build/artifacts/"
    tail -30 "$build/fuzz_$t.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/fuzz_$t.log" | tail -2
  fi
done
exit $status
