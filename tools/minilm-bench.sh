#!/usr/bin/env bash
# Benchmarks the local MiniLM encoder in release mode: latency of one 12-word query (median of 50)
# and throughput of a batch of 64 memory-style sentences.
#
# Usage: tools/minilm-bench.sh [--json]     (model from MEMLEDGER_MINILM_DIR or models/all-MiniLM-L6-v2)
# Targets: query ≤ 15 ms, batch ≥ 120 sentences/s on two cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${MEMLEDGER_MINILM_DIR:-$root/models/all-MiniLM-L6-v2}"
python3 "$root/tools/minilm-fetch.py" --verify "$model" >&2
scratch="$("$root/tools/minilm-scratch-package.sh")"
swift build -c release --package-path "$scratch" --product minilm-bench >&2
exec "$scratch/.build/release/minilm-bench" "$model" "$@"
