#!/usr/bin/env bash
# Installs the built library into a scratch prefix, then builds and runs a
# consumer against it twice: through find_package(vigil) and through pkg-config.
set -euo pipefail
build=$1 src=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src" -B "$work/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib:${LD_LIBRARY_PATH:-}" "$work/cmake/consumer"
libdir=$(dirname "$(find "$work/prefix" -name vigil.pc)")
flags=$(PKG_CONFIG_PATH="$libdir" pkg-config --cflags --libs vigil)
# shellcheck disable=SC2086
g++ "$src/consumer.cpp" -o "$work/pc_consumer" $flags
LD_LIBRARY_PATH="$libdir/..:${LD_LIBRARY_PATH:-}" "$work/pc_consumer"
