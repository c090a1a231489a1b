#!/usr/bin/env bash
# Property-based API test: schemathesis 4.x against the running server's /openapi.json.
#   tools/schemathesis.sh PATH/TO/memledger [extra schemathesis options]
# Starts the binary on a fresh data directory and a free loopback port, authenticates with the
# owner key it prints, and fails on any 5xx or any answer that does not match the document
# (status, content type, headers, body schema). Uses .venv/bin/schemathesis unless
# SCHEMATHESIS=/path/to/schemathesis is set. SCHEMATHESIS_MAX_EXAMPLES bounds the run (default 40).
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:?usage: tools/schemathesis.sh PATH/TO/memledger}
shift
st=${SCHEMATHESIS:-.venv/bin/schemathesis}
[ -x "$st" ] || { echo "schemathesis not found at $st (pip install -r tools/requirements.txt)" >&2; exit 2; }
st=$(cd "$(dirname "$st")" && pwd)/$(basename "$st")

root=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$binary" serve --port "$port" --data "$root/data" --log-level warning 2>"$root/serve.log" &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -rf "$root"; }
trap cleanup EXIT
python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1).read()
        break
    except OSError:
        time.sleep(0.1)
PY
key=$(grep -o 'mlk_[A-Za-z0-9_-]\{43\}' "$root/serve.log" | head -1)
[ -n "$key" ] || { echo "no owner key in the server's output" >&2; cat "$root/serve.log" >&2; exit 1; }

# Run from the scratch directory, so schemathesis's cache (.schemathesis/) stays out of the tree.
# One worker: with two, hypothesis parses lambda sources on two threads at once, and CPython 3.11
# keeps the AST builder's recursion counter in state all threads share, so a run can fail at
# random with "SystemError: AST constructor recursion depth mismatch" (see python/cpython#106905).
# The run is bound by Python's CPU time anyway; a second worker does not make it shorter.
cd "$root"
"$st" run "http://127.0.0.1:$port/openapi.json" \
  --header "Authorization: Bearer $key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-40}" \
  --workers 1 \
  --seed 1 \
  "$@"
