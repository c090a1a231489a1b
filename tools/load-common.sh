# Shared by tools/load-*.sh: start a server on a fresh data directory, seed it, stop it.
# Not a CI step: load runs take tens of seconds and want a release build.

# start_server BINARY: sets $root, $port, $pid, $key; the log is $root/serve.log.
start_server() {
  root=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$1" serve --port "$port" --data "$root/data" --log-level warning 2>"$root/serve.log" &
  pid=$!
  trap stop_server EXIT
  python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1).read(); break
    except OSError:
        time.sleep(0.1)
PY
  key=$(grep -o 'mlk_[A-Za-z0-9_-]\{43\}' "$root/serve.log" | head -1)
  [ -n "$key" ] || { echo "no owner key in the server's output" >&2; exit 1; }
}

stop_server() {
  kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$root"
}

# seed COUNT: adds COUNT distinct memories over 16 keep-alive connections.
seed() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/load-seed.py" "$port" "$key" "$1"
}
