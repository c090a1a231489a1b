#!/usr/bin/env bash
# SHA-256 / HMAC throughput in an optimised build.
# Usage: tools/bench-sha256.sh [MiB per run, default 64] [runs, default 5]
# Compiles tools/bench-sha256.swift with Sources/Crypto as one -O module, like a release build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
swiftc -O -wmo -parse-as-library -module-name BenchSHA256 \
    "$root"/Sources/Crypto/*.swift "$root/tools/bench-sha256.swift" -o "$out/bench-sha256"
"$out/bench-sha256" "$@"
