#!/usr/bin/env bash
# Search latency p50/p95 per mode and resident memory at growing corpus sizes.
# Usage: tools/bench-search.sh [--sizes 10000,100000] [--rounds 3] [--embedder builtin|minilm] [--json]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product memledger-bench >&2
"$(swift build -c release --show-bin-path)/memledger-bench" search "$@"
