#!/usr/bin/env bash
# Release-speed benchmark of the search primitives (vector index, built-in embedder, FTS text).
# Usage: tools/search-bench.sh [rows=100000] [dimension=384]
# Compiles Sources/Search and the vector kernels with optimisation into a throwaway binary, so
# it needs no executable target in Package.swift.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
clang -O3 -fno-strict-aliasing -c Sources/CKernels/vector.c -I Sources/CKernels/include -o "$work/vector.o"
cat > "$work/module.modulemap" <<MAP
module CKernels {
    header "$PWD/Sources/CKernels/include/vector_kernels.h"
    export *
}
MAP
swiftc -O -swift-version 6 -module-name SearchBench -I "$work" \
    Sources/Search/*/*.swift tools/search-bench/main.swift "$work/vector.o" -o "$work/search-bench"
"$work/search-bench" "$@"
