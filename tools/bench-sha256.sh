#!/usr/bin/env bash
# SHA-256 / HMAC throughput in an optimised build.
# Usage: tools/bench-sha256.sh [MiB per run, default 64] [runs, default 5]
# Compiles tools/bench-sha256.swift with Sources/Crypto as one -O module, like a release build, and
# measures both compression paths: the CPU's SHA extensions (when it has them) and the portable loop.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The SHA-extensions kernel is C: compile it and give swiftc a module map for its header.
mkdir -p "$out/CSHA256"
printf 'module CSHA256 {\n  header "%s"\n  export *\n}\n' "$root/Sources/CSHA256/include/CSHA256.h" >"$out/CSHA256/module.modulemap"
clang -O3 -c "$root/Sources/CSHA256/sha256_ni.c" -I "$root/Sources/CSHA256/include" -o "$out/sha256_ni.o"
swiftc -O -wmo -parse-as-library -module-name BenchSHA256 -I "$out/CSHA256" \
    "$root"/Sources/Crypto/*.swift "$root/tools/bench-sha256.swift" "$out/sha256_ni.o" -o "$out/bench-sha256"
"$out/bench-sha256" "$@"
