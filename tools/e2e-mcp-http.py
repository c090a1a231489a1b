#!/usr/bin/env python3
"""Raw-HTTP status checks of memledger's `/mcp` endpoint (checklist §1.11 and case 16).

Imported by tools/e2e-mcp.py, which starts `memledger serve` and passes its base URL and owner key;
runnable alone against a running server:

    tools/e2e-mcp-http.py http://127.0.0.1:8765 OWNER_KEY [--reader-key KEY_WITH_ONLY_MEMORY_READ]

Every request is sent by hand with httpx and never follows redirects, so a 307 from `/mcp` to
`/mcp/` counts as the failure it is for POST clients (checklist §4.1).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit

import httpx

ACCEPT = "application/json, text/event-stream"
INIT = {
    "jsonrpc": "2.0", "id": 1, "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw-http", "version": "1"}},
}


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def run(report: Any, base: str, key: str, reader_key: str | None = None) -> None:
    """Runs every check, recording each on `report` (an object with `check(name, ok, detail)`)."""
    auth = {"Authorization": f"Bearer {key}"}
    headers = {**auth, "Content-Type": "application/json", "Accept": ACCEPT}
    modern = {**headers, "MCP-Protocol-Version": "2025-11-25"}
    with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as http:
        def post(path: str = "/mcp", body: Any = None, raw: bytes | None = None, extra: dict[str, str] | None = None,
                 send: dict[str, str] | None = None) -> httpx.Response:
            h = dict(send if send is not None else headers)
            h.update(extra or {})
            content = raw if raw is not None else json.dumps(body).encode()
            return http.post(path, content=content, headers=h)

        def check_status(name: str, response: httpx.Response, status: int, rpc_code: int | None = None,
                         null_id: bool = False) -> None:
            body = _json(response)
            ok = response.status_code == status
            if rpc_code is not None:
                ok = ok and isinstance(body, dict) and (body.get("error") or {}).get("code") == rpc_code
            if null_id:
                ok = ok and isinstance(body, dict) and "id" in body and body["id"] is None
            report.check(f"raw: {name} → {status}" + (f" {rpc_code}" if rpc_code else ""), ok,
                         f"got {response.status_code} {response.text[:200]}")

        # Case 16: both paths answer initialize directly; without credentials both say 401 + Bearer.
        for path in ("/mcp", "/mcp/"):
            r = post(path, INIT)
            result = (_json(r) or {}).get("result") or {}
            report.check(f"raw: initialize on {path} → 200 without redirect",
                         r.status_code == 200 and result.get("protocolVersion") == "2025-11-25", f"got {r.status_code} {r.text[:200]}")
            r = post(path, INIT, send={"Content-Type": "application/json", "Accept": ACCEPT})
            challenge = r.headers.get("WWW-Authenticate", "")
            report.check(f"raw: initialize on {path} without a key → 401 Bearer",
                         r.status_code == 401 and challenge.startswith("Bearer"), f"got {r.status_code} {challenge!r}")
            r = post(path, INIT, send={"Content-Type": "application/json", "Accept": ACCEPT, "Authorization": "Bearer mlk_wrong"})
            report.check(f"raw: initialize on {path} with a bad key → 401 invalid_token",
                         r.status_code == 401 and "invalid_token" in r.headers.get("WWW-Authenticate", ""),
                         f"got {r.status_code} {r.headers.get('WWW-Authenticate')!r}")

        # The checklist table.
        check_status("bad JSON", post(raw=b'{"jsonrpc": "2.0", "id": 1,'), 400, -32700, null_id=True)
        check_status("not a JSON-RPC message", post(body={"hello": "world"}), 400, -32600)
        check_status("jsonrpc 1.0", post(body={"jsonrpc": "1.0", "id": 1, "method": "ping"}), 400, -32600)
        check_status("wrong Content-Type", post(body={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                                extra={"Content-Type": "text/plain"}), 415)
        check_status("Accept text/html only", post(body={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                                   extra={"Accept": "text/html"}), 406)
        check_status("lenient Accept */*", post(body={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                                extra={"Accept": "*/*"}), 200)
        check_status("unsupported MCP-Protocol-Version", post(body={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                                                              extra={"MCP-Protocol-Version": "1999-01-01"}), 400)
        check_status("disallowed Origin", post(body={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                               extra={"Origin": "https://evil.example"}), 403)
        host = urlsplit(base).hostname or "127.0.0.1"
        if host in ("127.0.0.1", "localhost", "::1"):
            check_status("bad Host on loopback", post(body={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                                      extra={"Host": "evil.example.com"}), 403)
        r = post(body={"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "no_such_tool", "arguments": {}}},
                 send=modern)
        body = _json(r) or {}
        report.check("raw: unknown tool → 200 with -32602", r.status_code == 200 and (body.get("error") or {}).get("code") == -32602
                     and body.get("id") == 7, f"got {r.status_code} {r.text[:200]}")
        check_status("unknown method", post(body={"jsonrpc": "2.0", "id": 8, "method": "resources/list"}, send=modern), 200, -32601)

        for path in ("/mcp", "/mcp/"):
            r = http.get(path, headers={**auth, "Accept": "text/event-stream"})
            report.check(f"raw: GET {path} → 405 Allow: POST", r.status_code == 405 and "POST" in r.headers.get("Allow", ""),
                         f"got {r.status_code} {dict(r.headers)}")
            r = http.delete(path, headers=auth)
            report.check(f"raw: DELETE {path} → 405", r.status_code == 405, f"got {r.status_code}")
            r = http.head(path, headers=auth)
            report.check(f"raw: HEAD {path} → 405 like GET", r.status_code == 405, f"got {r.status_code}")
            r = http.head(path)
            report.check(f"raw: HEAD {path} without a key → 401", r.status_code == 401, f"got {r.status_code}")
            r = http.get(path)
            report.check(f"raw: GET {path} without a key → 401", r.status_code == 401, f"got {r.status_code}")

        # Notifications and responses: 202, no body.
        r = post(body={"jsonrpc": "2.0", "method": "notifications/initialized"}, send=modern)
        report.check("raw: notification → 202 empty", r.status_code == 202 and r.content == b"", f"got {r.status_code} {r.text[:100]}")
        r = post(body={"jsonrpc": "2.0", "method": "notifications/whatever"}, send=modern)
        report.check("raw: unknown notification → 202", r.status_code == 202, f"got {r.status_code}")

        # Batches only in 2025-03-26 (or without the header); never in 2025-06-18+.
        batch = [{"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}]
        r = post(body=batch, extra={"MCP-Protocol-Version": "2025-03-26"})
        report.check("raw: batch under 2025-03-26 → 200 with two answers",
                     r.status_code == 200 and isinstance(_json(r), list) and len(_json(r)) == 2, f"got {r.status_code} {r.text[:200]}")
        check_status("batch under 2025-06-18", post(body=batch, extra={"MCP-Protocol-Version": "2025-06-18"}), 400, -32600)

        # 2026-era probes fall back: 400 with a plain error, never -32020…-32022.
        r = post(body={"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {}})
        code = ((_json(r) or {}).get("error") or {}).get("code")
        report.check("raw: server/discover → 400 with a fallback code", r.status_code == 400 and code in (-32600, -32601, -32000),
                     f"got {r.status_code} {r.text[:200]}")

        # Version negotiation: unknown versions get the latest, not an error.
        r = post(body={**INIT, "params": {**INIT["params"], "protocolVersion": "2099-01-01"}})
        report.check("raw: initialize with an unknown version → latest",
                     ((_json(r) or {}).get("result") or {}).get("protocolVersion") == "2025-11-25", r.text[:200])
        r = post(body={**INIT, "params": {**INIT["params"], "protocolVersion": "2025-03-26"}})
        report.check("raw: initialize with 2025-03-26 echoes it",
                     ((_json(r) or {}).get("result") or {}).get("protocolVersion") == "2025-03-26", r.text[:200])

        # CORS: preflight from the Inspector's origin, and exposed headers on errors too.
        r = http.options("/mcp", headers={"Origin": "http://localhost:6274", "Access-Control-Request-Method": "POST",
                                          "Access-Control-Request-Headers": "authorization, content-type, mcp-protocol-version"})
        allow = r.headers.get("Access-Control-Allow-Headers", "").lower()
        report.check("raw: CORS preflight from the Inspector", r.status_code in (200, 204)
                     and r.headers.get("Access-Control-Allow-Origin") == "http://localhost:6274"
                     and "authorization" in allow and "mcp-protocol-version" in allow, f"got {r.status_code} {dict(r.headers)}")
        r = post(body=INIT, send={"Content-Type": "application/json", "Origin": "http://localhost:6274"})
        report.check("raw: 401 carries CORS and exposes WWW-Authenticate",
                     r.status_code == 401 and "www-authenticate" in r.headers.get("Access-Control-Expose-Headers", "").lower(),
                     f"got {r.status_code} {dict(r.headers)}")

        # A tool result over raw HTTP: UTF-8 unescaped in the text block (case 6).
        r = post(body={"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                       "params": {"name": "add_memory", "arguments": {"content": "我对坚果过敏 🥜 Zoë (raw)", "agent_id": "raw-http"}}},
                 send=modern)
        report.check("raw: tool text is unescaped UTF-8 on the wire", r.status_code == 200 and "🥜".encode() in r.content
                     and b"\\ud83e" not in r.content, r.text[:200])
        r = post(body={"jsonrpc": "2.0", "id": 4, "method": "tools/call",
                       "params": {"name": "search_memories", "arguments": {"query": "   "}}}, send=modern)
        result = (_json(r) or {}).get("result") or {}
        report.check("raw: blank query → 200 isError (case 12)", r.status_code == 200 and result.get("isError") is True, r.text[:200])

        # A credential without memory.write: 403 insufficient_scope on a write, reads still work.
        if reader_key:
            reader = {"Authorization": f"Bearer {reader_key}", "Content-Type": "application/json", "Accept": ACCEPT,
                      "MCP-Protocol-Version": "2025-11-25"}
            r = post(body={"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                           "params": {"name": "add_memory", "arguments": {"content": "should not be stored"}}}, send=reader)
            report.check("raw: write with a read-only key → 403 insufficient_scope",
                         r.status_code == 403 and "insufficient_scope" in r.headers.get("WWW-Authenticate", ""),
                         f"got {r.status_code} {r.headers.get('WWW-Authenticate')!r}")
            r = post(body={"jsonrpc": "2.0", "id": 6, "method": "tools/call",
                           "params": {"name": "list_memories", "arguments": {}}}, send=reader)
            report.check("raw: read with a read-only key → 200", r.status_code == 200
                         and ((_json(r) or {}).get("result") or {}).get("isError") is False, r.text[:200])


def create_reader_key(binary: str, data: str) -> tuple[str | None, str]:
    """A `memory.read`-only key made with `memledger keys create`; (None, why) when that fails."""
    out = subprocess.run([binary, "keys", "create", "--data", data, "--name", "e2e-reader", "--scopes", "memory.read", "--json"],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        return None, (out.stderr or out.stdout)[-300:]
    try:
        created = json.loads(out.stdout)
    except ValueError:
        return None, out.stdout[-300:]
    secret = created.get("key") or created.get("secret") or created.get("api_key")
    return (secret, "") if secret else (None, out.stdout[-300:])


class _StandaloneReport:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"  FAIL {name}: {detail}")
        return ok


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base")
    parser.add_argument("key")
    parser.add_argument("--reader-key")
    arguments = parser.parse_args()
    standalone = _StandaloneReport()
    run(standalone, arguments.base.rstrip("/"), arguments.key, arguments.reader_key)
    print(f"{standalone.passed} passed, {standalone.failed} failed")
    sys.exit(0 if standalone.failed == 0 else 1)
