#!/usr/bin/env bash
# Durable appends/s of the ledger with 1 and 16 writers, beside plain SQLite's fsync-bound commit rate.
# Usage: tools/bench-ledger.sh [--seconds N] [--runs R] [--writers W] [--dir DIR] [--json] [--check]
# Builds memledger-bench in release (figures from a debug build mean little) and runs `memledger-bench ledger`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift build -c release --product memledger-bench >&2
"$(swift build -c release --show-bin-path)/memledger-bench" ledger "$@"
