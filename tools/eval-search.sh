#!/usr/bin/env bash
# Retrieval quality of keyword, semantic and hybrid search on tools/eval/ (recall@1, recall@5, MRR).
# Usage: tools/eval-search.sh [--embedder builtin|minilm] [--model-dir DIR] [--json]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product memledger-bench >&2
"$(swift build -c release --show-bin-path)/memledger-bench" eval "$@"
