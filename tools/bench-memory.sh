#!/usr/bin/env bash
# The memory domain's figures: durable adds/s (1 and 16 callers), list latency at 10k and 100k memories,
# and the replay rate of a large ledger (default 1M events, capped by a seeding budget) into a fresh read model.
# Usage: tools/bench-memory.sh [memledger-bench memory options, e.g. --json --check --events 300000]
# For repeated replay measurements on one kept store: memledger-bench replay --store PATH --events 1000000
# Builds memledger-bench in release (figures from a debug build mean little) and runs `memledger-bench memory`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift build -c release --product memledger-bench >&2
"$(swift build -c release --show-bin-path)/memledger-bench" memory "$@"
