#!/usr/bin/env bash
# Times the operator's round trip on a ~100k-event ledger with the release binary:
# export → import into a fresh directory (which verifies) → verify, plus backup and replay.
#
#   MEMORIES  memories to seed (default 74100: with the seed's updates and deletes ≈ 100k events)
#   RUNS      repetitions of each timed step (default 3; the median is reported)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMORIES=${MEMORIES:-74100}
RUNS=${RUNS:-3}
swift build -c release --product memledger >/dev/null
BIN=.build/release/memledger
WORK=$(mktemp -d "${TMPDIR:-/tmp}/memledger-roundtrip.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
declare -A times cpu
timed() {  # timed NAME command…  (wall time, and CPU time: on a shared machine the wall time also waits for a core)
    local name=$1; shift
    local start end
    start=$(now); /usr/bin/time -f "%U %S" -o "$WORK/cpu" "$@" >/dev/null; end=$(now)
    times[$name]="${times[$name]:-} $(echo "$end - $start" | bc)"
    cpu[$name]="${cpu[$name]:-} $(awk '{print $1 + $2}' "$WORK/cpu")"
}

start=$(now)
"$BIN" debug-seed --data "$WORK/src" --memories "$MEMORIES" --concurrency 32 >"$WORK/seed.json"
echo "seeded $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events"])' "$WORK/seed.json") events in $(echo "$(now) - $start" | bc | cut -c1-6) s"
HEAD=$("$BIN" verify --data "$WORK/src" --chain-only --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["head"])')

for run in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/export.jsonl" "$WORK/dst" "$WORK/backup.sqlite" "$WORK/replay.sqlite"
    timed export "$BIN" export --data "$WORK/src" --out "$WORK/export.jsonl"
    timed "import+verify" "$BIN" import "$WORK/export.jsonl" --data "$WORK/dst"
    timed verify "$BIN" verify --data "$WORK/dst" --expect-head "$HEAD"
    timed "verify --chain-only" "$BIN" verify --data "$WORK/dst" --chain-only --expect-head "$HEAD"
    timed backup "$BIN" backup "$WORK/backup.sqlite" --data "$WORK/src"
    timed replay "$BIN" replay --data "$WORK/src" --into "$WORK/replay.sqlite"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "export file: $(du -m "$WORK/export.jsonl" | cut -f1) MB; database: $(du -m "$WORK/src/memledger.sqlite" | cut -f1) MB"
for name in export "import+verify" verify "verify --chain-only" backup replay; do
    python3 - "$name" "${times[$name]}" "${cpu[$name]}" <<'PY'
import statistics, sys
name, wall, cpu = sys.argv[1], [float(v) for v in sys.argv[2].split()], [float(v) for v in sys.argv[3].split()]
print(f"{name:22s} wall median {statistics.median(wall):6.2f} s (runs {' '.join(f'{v:.1f}' for v in wall)})   CPU median {statistics.median(cpu):6.2f} s")
PY
done
