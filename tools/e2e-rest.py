#!/usr/bin/env python3
"""End-to-end check of `memledger serve` over real HTTP.

Usage: tools/e2e-rest.py PATH/TO/memledger

Builds nothing: takes the binary, starts it on a fresh data directory and a free loopback port,
drives every REST route (and the keys command beside it), checks each answer, kills the server
with SIGKILL to check that acknowledged writes are durable (bug case 21), restarts it, stops it
with SIGTERM and expects exit 0. Only the standard library is used. Exit status 0 when all pass.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

CHECKS = 0
FAILURES = []


def check(condition, what):
    global CHECKS
    CHECKS += 1
    if not condition:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, data, port, env=None):
        self.binary, self.data, self.port = binary, data, port
        self.log_path = os.path.join(data, f"serve-{port}.log")
        os.makedirs(data, exist_ok=True)
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([binary, "serve", "--port", str(port), "--data", data],
                                     stdout=subprocess.DEVNULL, stderr=self.log, env={**os.environ, **(env or {})})
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"serve exited with {self.proc.returncode}: {self.stderr()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("serve did not answer /healthz within 30 s")

    def stderr(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def owner_key(self):
        m = re.search(r"mlk_[A-Za-z0-9_-]{43}", self.stderr())
        return m.group(0) if m else None

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=30)
        finally:
            self.log.close()


class Client:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method, path, key=None, body=None, raw=None, headers=None):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        elif raw is not None:
            data = raw
        if key:
            h["Authorization"] = f"Bearer {key}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, hdrs, payload = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, payload = e.code, e.headers, e.read()
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload.decode("utf-8", "replace")
        return status, hdrs, parsed


def keys(binary, data, *args):
    out = subprocess.run([binary, "keys", *args, "--data", data, "--json"], capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, f"keys {' '.join(args)} exits 0 (got {out.returncode}: {out.stderr.strip()})")
    # `keys list --json` prints JSON lines, one key per line; create and revoke print one object.
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return lines if args[0] == "list" else (lines[0] if lines else {})


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="memledger-e2e-")
    data = os.path.join(root, "data")
    port = free_port()
    server = Server(binary, data, port)
    c = Client(port)
    owner = server.owner_key()
    check(owner is not None, "the first start prints an owner key")
    t0 = time.time()

    # Open routes.
    check(c.call("GET", "/healthz")[2] == {"status": "ok"}, "/healthz")
    s, _, b = c.call("GET", "/readyz")
    check(s == 200 and b["status"] == "ready", "/readyz")
    s, h, b = c.call("GET", "/openapi.json")
    check(s == 200 and b["openapi"].startswith("3.1") and "/api/v1/memories/search" in b["paths"], "/openapi.json")
    s, h, b = c.call("GET", "/metrics")
    check(s == 200 and "memledger_ledger_position" in b, "/metrics")

    # Auth.
    s, h, b = c.call("GET", "/api/v1/memories")
    check(s == 401 and h["WWW-Authenticate"] == 'Bearer realm="memledger"' and b["error"] == "unauthorized", "401 without a key")
    check(b.get("request_id") == h.get("X-Request-Id"), "error body carries the request id")
    check(c.call("GET", "/api/v1/memories", key="mlk_" + "A" * 43)[0] == 401, "401 for an unknown key")
    reader = keys(binary, data, "create", "--name", "e2e-reader", "--scopes", "memory.read")["key"]
    writer = keys(binary, data, "create", "--name", "e2e-writer", "--scopes", "memory.read,memory.write")["key"]
    listed = keys(binary, data, "list")
    check({k["name"] for k in listed} >= {"owner", "e2e-reader", "e2e-writer"}, "keys list shows every key")
    check(owner not in json.dumps(listed) and reader not in json.dumps(listed), "keys list shows no secret")
    s, h, b = c.call("POST", "/api/v1/memories", key=reader, body={"content": "x"})
    check(s == 403 and b["error"] == "insufficient_scope", "403 for a read-only key writing")
    check(c.call("GET", "/api/v1/memories?user_id=someone-else", key=writer)[0] == 403, "403 for another user_id without admin")

    # Add, dedup, get, list.
    s, h, m = c.call("POST", "/api/v1/memories", key=writer, body={"content": "The deploy script is ops/deploy.sh", "agent_id": "codex", "metadata": {"source": "e2e"}})
    check(s == 201 and m["agent_id"] == "codex" and m["created_by"]["client_id"] == "e2e-writer", "add answers 201 with provenance")
    mid = m["id"]
    s, h, d = c.call("POST", "/api/v1/memories", key=writer, body={"content": "the deploy script is  ops/deploy.sh"})
    check(s == 200 and d["deduplicated"] is True and d["id"] == mid, "an exact repeat is deduplicated")
    check(c.call("POST", "/api/v1/memories", key=writer, body={})[0] == 422, "add without content is 422")
    check(c.call("POST", "/api/v1/memories", key=writer, raw=b"{bad", headers={"Content-Type": "application/json"})[0] == 400, "malformed JSON is 400")
    check(c.call("POST", "/api/v1/memories", key=writer, raw=b"content=x", headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 415, "a form body is 415")
    unicode_text = "我对坚果过敏 🥜 Zoë"
    s, _, u = c.call("POST", "/api/v1/memories", key=writer, body={"content": unicode_text})
    check(s == 201 and c.call("GET", f"/api/v1/memories/{u['id']}", key=reader)[2]["content"] == unicode_text, "non-English text round-trips")
    s, h, g = c.call("GET", f"/api/v1/memories/{mid}", key=reader)
    check(s == 200 and g["content"] == "The deploy script is ops/deploy.sh" and h["ETag"] == '"1"', "get with ETag")
    for i in range(28):
        c.call("POST", "/api/v1/memories", key=writer, body={"content": f"bulk note {i} about rivers", "agent_id": "bulk"})
    s, _, page = c.call("GET", "/api/v1/memories?limit=20", key=reader)
    check(s == 200 and len(page["results"]) == 20 and page["pagination"]["has_more"] is True and page["pagination"]["total"] == 30, "list page 1")
    s, _, page2 = c.call("GET", "/api/v1/memories?limit=20&offset=20", key=reader)
    check(len(page2["results"]) == 10 and page2["pagination"]["has_more"] is False, "list page 2")
    check(c.call("GET", "/api/v1/memories?limit=0", key=reader)[0] == 422, "limit 0 is 422")

    # Search (bug cases 4, 12, 13).
    s, _, r = c.call("POST", "/api/v1/memories/search", key=reader, body={"query": "deploy script"})
    check(s == 200 and any(x["id"] == mid for x in r["results"]) and all(0 <= x["score"] <= 1 for x in r["results"]), "search finds the codex memory")
    s, _, r = c.call("POST", "/api/v1/memories/search", key=reader, body={"query": "deploy script", "agent_id": "claude"})
    check(s == 200 and r["results"] == [], "search filtered to another agent finds nothing")
    check(c.call("POST", "/api/v1/memories/search", key=reader, body={"query": "坚果"})[2]["results"][0]["id"] == u["id"], "CJK bigram query")
    s, _, r = c.call("POST", "/api/v1/memories/search", key=reader, body={"query": "   "})
    check(s == 400 and r["error"] == "invalid_argument", "blank query is 400")
    s, _, r = c.call("POST", "/api/v1/memories/search", key=reader, body={"query": "rivers", "limit": 5, "mode": "keyword"})
    check(s == 200 and len(r["results"]) == 5, "search limit 5")

    # Update, If-Match, history, revert, delete, restore.
    s, h, up = c.call("PUT", f"/api/v1/memories/{mid}", key=writer, body={"content": "The deploy script is ops/ship.sh"}, headers={"If-Match": '"1"'})
    check(s == 200 and up["version"] == 2 and h["ETag"] == '"2"', "PUT with a matching If-Match")
    s, _, e = c.call("PUT", f"/api/v1/memories/{mid}", key=writer, body={"content": "stale"}, headers={"If-Match": '"1"'})
    check(s == 412 and e["error"] == "precondition_failed", "PUT with a stale If-Match is 412")
    s, _, rv = c.call("POST", f"/api/v1/memories/{mid}/revert", key=writer, body={"version": 1})
    check(s == 200 and rv["content"] == "The deploy script is ops/deploy.sh", "revert to version 1")
    s, _, dl = c.call("DELETE", f"/api/v1/memories/{mid}", key=writer)
    check(s == 200 and dl["deleted"] is True, "delete")
    check(c.call("GET", f"/api/v1/memories/{mid}", key=reader)[0] == 404, "a deleted memory is 404")
    s, _, rs = c.call("POST", f"/api/v1/memories/{mid}/restore", key=writer)
    check(s == 200 and rs["content"] == "The deploy script is ops/deploy.sh", "restore")
    s, _, hist = c.call("GET", f"/api/v1/memories/{mid}/history", key=reader)
    events = [x["event"] for x in hist["history"]]
    check(s == 200 and len(events) == 5, f"history has 5 entries ({events})")
    times = [x["created_at"] for x in hist["history"]]
    check(times == sorted(times) and all(t.endswith("Z") for t in times), "history times are UTC and never decrease")

    # Idempotency.
    body = {"content": "booked the 9:40 train"}
    a = c.call("POST", "/api/v1/memories", key=writer, body=body, headers={"Idempotency-Key": "e2e-1"})
    b2 = c.call("POST", "/api/v1/memories", key=writer, body=body, headers={"Idempotency-Key": "e2e-1"})
    check(a[2]["id"] == b2[2]["id"], "a retried Idempotency-Key returns the first answer")
    check(c.call("POST", "/api/v1/memories", key=writer, body={"content": "other"}, headers={"Idempotency-Key": "e2e-1"})[0] == 422, "a reused Idempotency-Key with another body is 422")

    # Bulk delete, redact (admin).
    check(c.call("POST", "/api/v1/memories/delete_bulk", key=writer, body={"agent_id": "bulk"})[0] == 403, "bulk delete needs admin")
    check(c.call("POST", "/api/v1/memories/delete_bulk", key=owner, body={"user_id": "default"})[0] == 400, "bulk delete needs a filter")
    s, _, dry = c.call("POST", "/api/v1/memories/delete_bulk", key=owner, body={"agent_id": "bulk"})
    check(dry == {"matched": 28, "deleted": 0, "dry_run": True}, f"bulk delete dry run ({dry})")
    s, _, real = c.call("POST", "/api/v1/memories/delete_bulk", key=owner, body={"agent_id": "bulk", "confirm": True})
    check(real == {"matched": 28, "deleted": 28, "dry_run": False}, "bulk delete confirmed")
    s, _, red = c.call("POST", f"/api/v1/memories/{u['id']}/redact", key=owner, body={"reason": "e2e"})
    check(s == 200 and red["redacted"] == [u["id"]], "redact")
    check("坚果" not in json.dumps(c.call("GET", f"/api/v1/memories/{u['id']}/history", key=owner)[2], ensure_ascii=False), "redacted content is gone from history")

    # Events feed.
    s, _, ev = c.call("GET", "/api/v1/events?after=0&limit=5", key=owner)
    check(s == 200 and [e["position"] for e in ev["events"]] == [1, 2, 3, 4, 5] and ev["has_more"], "events page")
    s, _, ev2 = c.call("GET", "/api/v1/events?after=0&limit=1000&type=auth.key_created", key=owner)
    check(s == 200 and {e["stream_id"] for e in ev2["events"]} >= {"auth:key:e2e-reader", "auth:key:e2e-writer"}, "key creations are ledger events")
    check(reader not in json.dumps(ev2) and writer not in json.dumps(ev2), "auth events carry no key")

    # Statuses for bad input: never a 5xx.
    for path in ["/api/v1/memories/not-an-id", "/api/v1/memories/%27%3B--", "/api/v1/memories/" + "x" * 300]:
        check(c.call("GET", path, key=reader)[0] == 404, f"GET {path[:40]} is 404")
        check(c.call("DELETE", path, key=writer)[0] == 404, f"DELETE {path[:40]} is 404")
    check(c.call("PATCH", "/api/v1/memories", key=writer)[0] == 405, "405 for a wrong method")
    check(c.call("GET", "/api/v2/none")[0] == 404, "404 for an unknown route")
    big = b'{"content":"' + b"x" * (2 << 20) + b'"}'
    s, _, e = c.call("POST", "/api/v1/memories", key=writer, raw=big, headers={"Content-Type": "application/json"})
    check(s == 413 and "1048576" in json.dumps(e), "a 2 MiB body is 413 naming the limit")
    prose = ("Twenty kibibytes of prose, written out in full sentences. " * 400)[:20 * 1024]
    s, _, big20 = c.call("POST", "/api/v1/memories", key=writer, body={"content": prose})
    check(s == 201 and c.call("GET", f"/api/v1/memories/{big20['id']}", key=reader)[2]["content"] == prose, "20 KiB is stored whole")

    # A second serve on the taken port fails clearly and changes nothing.
    other = subprocess.run([binary, "serve", "--port", str(port), "--data", os.path.join(root, "other")], capture_output=True, text=True, timeout=30)
    check(other.returncode == 69 and "already in use" in other.stderr, f"a second serve on a taken port fails clearly ({other.returncode})")

    # MCP beside REST: both paths answer (no redirect) with the same keys (bug case 16, OAuth off).
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}}}
    mcp_headers = {"Accept": "application/json, text/event-stream"}
    for path in ("/mcp", "/mcp/"):
        s, h, b = c.call("POST", path, key=reader, body=init, headers=mcp_headers)
        check(s == 200 and b["result"]["serverInfo"]["name"] == "memledger", f"MCP initialize on {path}")
        s, h, b = c.call("POST", path, body=init, headers=mcp_headers)
        check(s == 401 and h["WWW-Authenticate"].startswith("Bearer"), f"MCP on {path} without a key is 401 with a challenge")
    s, _, b = c.call("POST", "/mcp", key=writer, body={"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                     "params": {"name": "search_memories", "arguments": {"query": "deploy script"}}},
                     headers={**mcp_headers, "MCP-Protocol-Version": "2025-06-18"})
    check(s == 200 and "ops/deploy.sh" in json.dumps(b), "MCP search finds the REST-added memory")

    # Metrics saw it all.
    m = c.call("GET", "/metrics")[2]
    check('route="/api/v1/memories/search"' in m and "memledger_http_request_duration_seconds_bucket" in m, "metrics by route")

    # Case 21: acknowledged means durable, even through SIGKILL.
    durable = ("Four kibibytes that must survive a kill. " * 120)[:4096]
    s, _, dm = c.call("POST", "/api/v1/memories", key=writer, body={"content": durable})
    check(s == 201, "add before SIGKILL")
    server.stop(signal.SIGKILL)
    log = server.stderr()
    check(owner not in log.split(owner, 1)[1] if owner else True, "the owner key appears once in the log")
    check(writer not in log and reader not in log and "deploy script" not in log and "rivers" not in log, "the log has no keys and no content")
    port2 = free_port()
    server = Server(binary, data, port2)
    c = Client(port2)
    check(server.owner_key() is None, "a restart creates no new owner key")
    s, _, back = c.call("GET", f"/api/v1/memories/{dm['id']}", key=writer)
    check(s == 200 and back["content"] == durable, "an acknowledged add survives SIGKILL")
    keys(binary, data, "revoke", "e2e-reader")
    check(c.call("GET", "/api/v1/memories", key=reader)[0] == 401, "a revoked key stops working at once")
    rc = server.stop(signal.SIGTERM)
    check(rc == 0, f"SIGTERM stops with exit 0 (got {rc})")

    print(json.dumps({"checks": CHECKS, "failures": len(FAILURES), "seconds": round(time.time() - t0, 1)}))
    if FAILURES:
        print("failed: " + "; ".join(FAILURES), file=sys.stderr)
        print(f"data kept in {root}", file=sys.stderr)
        sys.exit(1)
    subprocess.run(["rm", "-rf", root])


if __name__ == "__main__":
    main()
