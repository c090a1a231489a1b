#!/usr/bin/env bash
# Release-mode conformance check of the local MiniLM encoder against the sentence-transformers
# reference: for ALL 40 items of shared/fixtures/minilm-reference.json, token ids identical, every
# embedding component within 1e-5 and cosine ≥ 0.99999, plus the 10 pair similarities.
# Exits non-zero on any failure, and also when the model or the fixture is missing (the unit tests
# skip in that case; this check must not).
#
# It runs the MiniLMTests suite with MEMLEDGER_MINILM_FULL=1, which enables the all-items test, in a
# scratch package holding only MiniLM and CKernels (see tools/minilm-scratch-package.sh).
#
# Usage: tools/minilm-check.sh   (model from MEMLEDGER_MINILM_DIR or models/all-MiniLM-L6-v2; fixture
#        from MEMLEDGER_MINILM_FIXTURE or the first shared/fixtures/ beside the checkout or above it)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${MEMLEDGER_MINILM_DIR:-$root/models/all-MiniLM-L6-v2}"
python3 "$root/tools/minilm-fetch.py" --verify "$model"

fixture="${MEMLEDGER_MINILM_FIXTURE:-}"
if [ -z "$fixture" ]; then
  dir="$root"
  for _ in 1 2 3 4; do
    if [ -f "$dir/shared/fixtures/minilm-reference.json" ]; then fixture="$dir/shared/fixtures/minilm-reference.json"; break; fi
    dir="$(dirname "$dir")"
  done
fi
if [ -z "$fixture" ] || [ ! -f "$fixture" ]; then
  echo "minilm-check: ERROR: shared/fixtures/minilm-reference.json not found (set MEMLEDGER_MINILM_FIXTURE)" >&2
  exit 1
fi

scratch="$("$root/tools/minilm-scratch-package.sh")"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
MEMLEDGER_MINILM_FULL=1 MEMLEDGER_MINILM_DIR="$model" MEMLEDGER_MINILM_FIXTURE="$fixture" \
  swift test -c release --package-path "$scratch" --filter MiniLMTests 2>&1 | tee "$log" | grep -v -E '^\[|started\.$'
if ! grep -q '^minilm-check: 40 items' "$log"; then
  echo "minilm-check: ERROR: the all-items test did not run" >&2
  exit 1
fi
echo "minilm-check: OK"
