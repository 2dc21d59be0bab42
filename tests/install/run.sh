#!/usr/bin/env bash
# Installs the built library into a scratch prefix, then builds and runs a
# consumer against it twice: through find_package(vigil) and through pkg-config;
# then the C example of examples/ (the C API) the same two ways.
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
g++ -std=c++20 "$src/consumer.cpp" -o "$work/pc_consumer" $flags
LD_LIBRARY_PATH="$libdir/..:${LD_LIBRARY_PATH:-}" "$work/pc_consumer"

# The C API example: through find_package, then through pkg-config with a C compiler.
examples=$src/../../examples
cmake -S "$examples" -B "$work/examples" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/examples" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib:${LD_LIBRARY_PATH:-}" "$work/examples/verify_and_hash"
# shellcheck disable=SC2086
cc -std=c99 -Wall -Wextra -Werror "$examples/verify_and_hash.c" -o "$work/pc_example" $flags
LD_LIBRARY_PATH="$libdir/..:${LD_LIBRARY_PATH:-}" "$work/pc_example"
