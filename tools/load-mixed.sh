#!/usr/bin/env bash
# Load: 64 connections, 80% search / 20% add, over 10,000 memories, for 30 s (wrk, Debian package).
#   tools/load-mixed.sh PATH/TO/memledger      # a release build: swift build -c release
# Prints the seeding line and one JSON line from wrk (rps, p50/p90/p99, statuses). Exits 1 on any
# socket error or non-2xx answer. LOAD_SECONDS, LOAD_CONNECTIONS and LOAD_MEMORIES override.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?usage: tools/load-mixed.sh PATH/TO/memledger}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
source "$here/load-common.sh"
start_server "$binary"
seed "${LOAD_MEMORIES:-10000}"
out=$(MEMLEDGER_KEY=$key wrk -t2 -c"${LOAD_CONNECTIONS:-64}" -d"${LOAD_SECONDS:-30}"s --timeout 10s -s "$here/load-mixed.lua" \
  "http://127.0.0.1:$port" | tail -1)
echo "$out"
python3 - "$out" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
bad = {s: n for s, n in r["statuses"].items() if not s.startswith("2")}
sys.exit(1 if bad or r["socket_errors"] else 0)
PY
