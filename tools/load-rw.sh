#!/usr/bin/env bash
# Bug case 15: 20 writers and 20 readers at once for 10 s; no 5xx and no "database is locked".
#   tools/load-rw.sh PATH/TO/memledger
# Writers add; readers list, get and search (two wrk processes, 20 connections each).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?usage: tools/load-rw.sh PATH/TO/memledger}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
source "$here/load-common.sh"
start_server "$binary"
seed 1000
seconds=${LOAD_SECONDS:-10}
MEMLEDGER_KEY=$key SEARCH_SHARE=0 wrk -t1 -c20 -d"${seconds}"s --timeout 10s -s "$here/load-mixed.lua" "http://127.0.0.1:$port" \
  | tail -1 >"$root/writers.json" &
writers=$!
MEMLEDGER_KEY=$key wrk -t1 -c20 -d"${seconds}"s --timeout 10s -s "$here/load-read.lua" "http://127.0.0.1:$port" | tail -1 >"$root/readers.json"
wait "$writers"
echo "writers: $(cat "$root/writers.json")"
echo "readers: $(cat "$root/readers.json")"
locked=$(grep -ci "database is locked" "$root/serve.log" || true)
echo "\"database is locked\" in the server log: $locked"
python3 - "$root/writers.json" "$root/readers.json" "$locked" <<'PY'
import json, sys
bad = 0
for path in sys.argv[1:3]:
    r = json.load(open(path))
    bad += sum(n for s, n in r["statuses"].items() if s.startswith("5")) + r["socket_errors"]
sys.exit(1 if bad or int(sys.argv[3]) else 0)
PY
