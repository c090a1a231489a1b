#!/usr/bin/env python3
"""End-to-end OAuth check of a real memledger binary with third-party MCP clients, headless.

Starts `memledger serve` on a loopback port with a known owner key and a loopback public URL, then:

  1. the official `mcp` SDK (2.x) OAuthClientProvider: discovery -> registration -> authorize
     through the consent form (owner key posted like a browser would) -> token -> tools/list and
     tools/call -> forced refresh -> tools/call again;
  2. the same SDK against a second server started with the test-only auto-approve flag;
  3. fastmcp's HeadlessOAuth helper, through auto-approve, and a HeadlessOAuth subclass that fills
     in the consent form, each with a forced refresh;
  4. raw HTTP negatives on the live server: 401 with resource_metadata, a read-only token calling
     add_memory gets 403 insufficient_scope, a lookalike redirect is refused (bug case 17);
  5. the server's stderr log of all that contains no owner key, token, code, verifier or secret.

Usage:
    python3 tools/e2e-oauth.py [--binary .build/debug/memledger] [--keep]

Requirements (tools/requirements.txt): mcp==2.3.0, fastmcp 4.x, httpx. Exit status 0 when every
check passes; each failure is printed with what was expected.

The serve command line is an assumption about `memledger serve` and can be adjusted with
--serve-args (use {data} and {port}) and --auto-approve-flag.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlparse

import httpx2

OWNER_KEY = "mlk_e2e_" + secrets.token_urlsafe(32)


@dataclass
class Secrets:
    """Every secret the clients saw on the wire, to look for in the server log afterwards."""

    values: set[str] = field(default_factory=set)

    def add(self, value: str | None) -> None:
        if value and len(value) >= 16:
            self.values.add(value)

    def hook(self):
        """An httpx2 request hook that records credentials in headers and form bodies."""

        async def record(request: httpx2.Request) -> None:
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                self.add(auth[7:])
            try:
                body = request.content
            except httpx2.RequestNotRead:
                body = b""
            if body and b"=" in body and not body.lstrip().startswith(b"{"):
                for name, values in parse_qs(body.decode(errors="replace")).items():
                    if name in {"code", "code_verifier", "refresh_token", "client_secret", "owner_key", "token"}:
                        for value in values:
                            self.add(value)

        return record


FAILURES: list[str] = []


def check(condition: bool, what: str) -> None:
    print(("ok    " if condition else "FAIL  ") + what, flush=True)
    if not condition:
        FAILURES.append(what)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningServer:
    """A server started elsewhere (--consent-url/--auto-url), with its log file if one is given."""

    def __init__(self, base: str, log_path: str | None):
        self.base = base.rstrip("/")
        self.log_path = log_path or ""

    def wait_ready(self) -> None:
        pass

    def read_log(self) -> str:
        if not self.log_path:
            return ""
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self) -> None:
        pass


class Server:
    """One memledger process on a loopback port, its stderr kept in a file."""

    def __init__(self, binary: str, serve_args: str, auto_approve_flag: str | None, workdir: str, name: str,
                 extra_env: dict[str, str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data = os.path.join(workdir, f"data-{name}")
        self.log_path = os.path.join(workdir, f"{name}.log")
        args = [binary] + serve_args.format(data=self.data, port=self.port).split()
        if auto_approve_flag:
            args.append(auto_approve_flag)
        env = dict(os.environ)
        # PUBLIC_BASE_URL is the name every memledger version reads (mem0-server compatible).
        env.update({"PUBLIC_BASE_URL": self.base, "MEMLEDGER_API_KEY": OWNER_KEY})
        for name in ("MEMLEDGER_PUBLIC_URL", "MEMLEDGER_PUBLIC_BASE_URL", "OAUTH_ALLOWED_REDIRECT_URIS"):
            env.pop(name, None)
        env.update(extra_env or {})
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(args, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"memledger exited with {self.process.returncode}; log:\n{self.read_log()}")
            try:
                r = httpx2.get(self.base + "/.well-known/oauth-protected-resource/mcp", timeout=1)
                if r.status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"memledger did not become ready; log:\n{self.read_log()}")

    def read_log(self) -> str:
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# ---------------------------------------------------------------------------------------------
# Headless authorization: the two ways a browser would get through /authorize.


async def consent_with_owner_key(authorization_url: str, recorder: Secrets) -> httpx2.Response:
    """GET the consent page, then POST the form with the owner key, like a person approving."""
    async with httpx2.AsyncClient(event_hooks={"request": [recorder.hook()]}) as http:
        page = await http.get(authorization_url, follow_redirects=False)
        if page.status_code != 200:
            raise RuntimeError(f"consent page answered {page.status_code}")
        fields = dict(re.findall(r'name="(request_id|client_id)" value="([^"]*)"', page.text))
        recorder.add(fields.get("request_id"))
        form_url = str(page.url.join("authorize"))
        wrong = await http.post(form_url, data={**fields, "owner_key": "mlk_wrong_key_for_e2e", "decision": "approve"})
        check(wrong.status_code == 401 and "location" not in wrong.headers, "consent with a wrong key: 401 page, no redirect")
        return await http.post(form_url, data={**fields, "owner_key": OWNER_KEY, "decision": "approve"}, follow_redirects=False)


async def auto_approved(authorization_url: str) -> httpx2.Response:
    async with httpx2.AsyncClient() as http:
        return await http.get(authorization_url, follow_redirects=False)


def code_from(response: httpx2.Response, recorder: Secrets):
    from mcp.shared.auth import AuthorizationCodeResult

    if response.status_code != 302:
        raise RuntimeError(f"authorization answered {response.status_code}, expected 302")
    query = parse_qs(urlparse(response.headers["location"]).query)
    if "error" in query:
        raise RuntimeError(f"authorization refused: {query['error'][0]}")
    recorder.add(query["code"][0])
    return AuthorizationCodeResult(code=query["code"][0], state=query.get("state", [None])[0])


# ---------------------------------------------------------------------------------------------
# 1 and 2: the official mcp SDK.


class MemoryTokenStorage:
    def __init__(self):
        self.tokens = None
        self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


async def mcp_sdk_flow(server: Server, use_consent_form: bool, recorder: Secrets) -> None:
    from mcp import Client
    from mcp.client.auth import OAuthClientProvider
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared.auth import OAuthClientMetadata

    label = "mcp SDK (consent form)" if use_consent_form else "mcp SDK (auto-approve)"
    storage = MemoryTokenStorage()
    pending: dict[str, httpx2.Response] = {}

    async def redirect_handler(url: str) -> None:
        pending["response"] = await (consent_with_owner_key(url, recorder) if use_consent_form else auto_approved(url))

    async def callback_handler():
        return code_from(pending.pop("response"), recorder)

    provider = OAuthClientProvider(
        server_url=server.base + "/mcp",
        client_metadata=OAuthClientMetadata(
            client_name=f"e2e {label}",
            redirect_uris=["http://127.0.0.1:33418/callback"],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
            scope="memory.read memory.write",
        ),
        storage=storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )
    http = httpx2.AsyncClient(auth=provider, timeout=30, event_hooks={"request": [recorder.hook()]})
    async with http, Client(streamable_http_client(server.base + "/mcp", http_client=http), mode="legacy") as client:
        tools = await client.list_tools()
        names = {tool.name for tool in tools.tools}
        check("add_memory" in names and "search_memories" in names, f"{label}: tools/list after discovery, DCR, authorize, token")
        added = await client.call_tool("add_memory", {"content": f"e2e oauth {label} {secrets.token_hex(4)}"})
        check(not added.is_error, f"{label}: tools/call add_memory")
        agent = (added.structured_content or {}).get("agent_id")
        check(agent == f"e2e {label}", f"{label}: agent_id defaults to the OAuth client name (got {agent!r})")
        first = storage.tokens
        check(first is not None and first.refresh_token is not None, f"{label}: refresh token issued")
        recorder.add(first.access_token)
        recorder.add(first.refresh_token)
        # Force the provider to refresh before its next request.
        provider.context.token_expiry_time = time.time() - 1
        listed = await client.call_tool("search_memories", {"query": "e2e oauth"})
        check(not listed.is_error, f"{label}: tools/call after refresh")
        second = storage.tokens
        check(second.access_token != first.access_token and second.refresh_token != first.refresh_token,
              f"{label}: refresh rotated both tokens")
        recorder.add(second.access_token)
        recorder.add(second.refresh_token)
    # The refresh token rotated out is dead after the grace window; the server's default window is
    # short but we do not wait for it here (the unit tests cover reuse with an injected clock).


# ---------------------------------------------------------------------------------------------
# 3: fastmcp.


async def fastmcp_flow(server: Server, use_consent_form: bool, recorder: Secrets) -> None:
    from fastmcp import Client
    from fastmcp.utilities.tests import HeadlessOAuth

    label = "fastmcp HeadlessOAuth (consent form)" if use_consent_form else "fastmcp HeadlessOAuth (auto-approve)"

    class ConsentFormOAuth(HeadlessOAuth):
        async def redirect_handler(self, authorization_url: str) -> None:
            self._stored_response = await consent_with_owner_key(authorization_url, recorder)

    auth_class = ConsentFormOAuth if use_consent_form else HeadlessOAuth
    auth = auth_class(server.base + "/mcp", scopes=["memory.read", "memory.write"], client_name=f"e2e {label}")
    async with Client(server.base + "/mcp", auth=auth) as client:
        tools = await client.list_tools()
        check(any(t.name == "add_memory" for t in tools), f"{label}: tools/list")
        result = await client.call_tool("add_memory", {"content": f"e2e oauth {label} {secrets.token_hex(4)}"})
        check(not result.is_error, f"{label}: tools/call add_memory")
        before = auth.context.current_tokens
        recorder.add(before.access_token)
        recorder.add(before.refresh_token)
        auth.context.token_expiry_time = time.time() - 1
        await client.call_tool("search_memories", {"query": "e2e"})
        after = auth.context.current_tokens
        check(after.access_token != before.access_token, f"{label}: refresh")
        recorder.add(after.access_token)
        recorder.add(after.refresh_token)


# ---------------------------------------------------------------------------------------------
# 4: raw negatives on the live server.


async def raw_checks(server: Server, recorder: Secrets) -> None:
    base = server.base
    async with httpx2.AsyncClient(base_url=base, event_hooks={"request": [recorder.hook()]}) as http:
        init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}}}
        headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
        r = await http.post("/mcp", json=init, headers=headers)
        challenge = r.headers.get("www-authenticate", "")
        check(r.status_code == 401 and f'resource_metadata="{base}/.well-known/oauth-protected-resource/mcp"' in challenge
              and 'scope="' in challenge, "unauthenticated initialize: 401 with resource_metadata (path-suffixed) and scope")
        r = await http.post("/mcp", json=init, headers={**headers, "Authorization": "Bearer mla_not_a_token"})
        check(r.status_code == 401 and 'error="invalid_token"' in r.headers.get("www-authenticate", ""),
              "unknown token: 401 invalid_token")

        r = await http.post("/register", json={"redirect_uris": ["https://chatgpt.com.evil.example/connector/oauth/x"]})
        check(r.status_code == 400 and r.json().get("error") == "invalid_redirect_uri", "lookalike redirect host refused (case 17)")
        r = await http.get("/.well-known/openid-configuration")
        check(r.status_code == 404, "no OpenID configuration")

        # A read-only token through the raw flow (consent form), then a write tool.
        redirect = "http://127.0.0.1:40123/cb"
        reg = (await http.post("/register", json={"redirect_uris": [redirect], "client_name": "e2e read-only"})).json()
        verifier = secrets.token_urlsafe(48)
        import base64
        import hashlib

        challenge_value = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        query = urlencode({"response_type": "code", "client_id": reg["client_id"], "redirect_uri": redirect,
                           "code_challenge": challenge_value, "code_challenge_method": "S256", "scope": "memory.read",
                           "resource": base + "/mcp", "state": "s1"})
        answer = await consent_with_owner_key(f"{base}/authorize?{query}", recorder)
        code = code_from(answer, recorder).code
        recorder.add(verifier)
        token = (await http.post("/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                                                  "code_verifier": verifier, "client_id": reg["client_id"],
                                                  "resource": base + "/mcp"})).json()
        check(token.get("scope") == "memory.read", "read-only grant")
        recorder.add(token.get("access_token"))
        recorder.add(token.get("refresh_token"))
        auth = {**headers, "Authorization": f"Bearer {token['access_token']}", "MCP-Protocol-Version": "2025-06-18"}
        await http.post("/mcp", json=init, headers=auth)
        call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "add_memory", "arguments": {"content": "x"}}}
        r = await http.post("/mcp", json=call, headers=auth)
        check(r.status_code == 403 and 'error="insufficient_scope"' in r.headers.get("www-authenticate", ""),
              "read-only token calling add_memory: 403 insufficient_scope")
        call = {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "list_memories", "arguments": {}}}
        r = await http.post("/mcp", json=call, headers=auth)
        check(r.status_code == 200 and r.json().get("result", {}).get("isError") is False, "read-only token calling list_memories: 200")
        r = await http.get("/api/v1/memories", headers={"Authorization": auth["Authorization"]})
        check(r.status_code == 401, f"an OAuth token on REST: 401 (tokens are for /mcp only; got {r.status_code})")
        replay = await http.post("/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                                                  "code_verifier": verifier, "client_id": reg["client_id"]})
        check(replay.status_code == 400 and replay.json().get("error") == "invalid_grant", "replayed code: invalid_grant")
        r = await http.post("/mcp", json=init, headers=auth)
        check(r.status_code == 401, "tokens of a replayed code are revoked")


async def expiry_checks(server: Server, recorder: Secrets, ttl: float) -> None:
    """On a server whose tokens live `ttl` seconds: a token works, then gets 401 invalid_token."""
    base = server.base
    async with httpx2.AsyncClient(base_url=base, event_hooks={"request": [recorder.hook()]}) as http:
        import base64
        import hashlib

        redirect = "http://127.0.0.1:40124/cb"
        reg = (await http.post("/register", json={"redirect_uris": [redirect], "client_name": "e2e expiry"})).json()
        verifier = secrets.token_urlsafe(48)
        recorder.add(verifier)
        challenge_value = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        query = urlencode({"response_type": "code", "client_id": reg["client_id"], "redirect_uri": redirect,
                           "code_challenge": challenge_value, "code_challenge_method": "S256",
                           "scope": "memory.read memory.write", "resource": base + "/mcp"})
        code = code_from(await auto_approved(f"{base}/authorize?{query}"), recorder).code
        token = (await http.post("/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                                                  "code_verifier": verifier, "client_id": reg["client_id"],
                                                  "resource": base + "/mcp"})).json()
        recorder.add(token.get("access_token"))
        recorder.add(token.get("refresh_token"))
        headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json",
                   "Authorization": f"Bearer {token['access_token']}"}
        ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
        r = await http.post("/mcp", json=ping, headers=headers)
        check(r.status_code == 200, f"short-lived token works before it expires (got {r.status_code})")
        await asyncio.sleep(ttl + 1.2)
        r = await http.post("/mcp", json=ping, headers=headers)
        challenge = r.headers.get("www-authenticate", "")
        check(r.status_code == 401 and 'error="invalid_token"' in challenge
              and f'resource_metadata="{base}/.well-known/oauth-protected-resource/mcp"' in challenge,
              f"expired access token: 401 invalid_token with resource_metadata (got {r.status_code} {challenge!r})")


# ---------------------------------------------------------------------------------------------


def scan_log(server: Server, recorder: Secrets) -> None:
    log = server.read_log()
    leaked = [value[:8] + "…" for value in recorder.values | {OWNER_KEY} if value in log]
    check(not leaked, f"{os.path.basename(server.log_path)}: no key, token, code or verifier in the log"
          + (f" (found {leaked})" if leaked else ""))


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/debug/memledger")
    parser.add_argument("--serve-args", default="serve --data {data} --host 127.0.0.1 --port {port}")
    parser.add_argument("--auto-approve-flag", default="--oauth-auto-approve")
    parser.add_argument("--keep", action="store_true", help="keep the data directories and logs")
    parser.add_argument("--consent-url", help="use a running server (owner key from MEMLEDGER_API_KEY) instead of starting one")
    parser.add_argument("--auto-url", help="use a running server in auto-approve mode")
    parser.add_argument("--log", action="append", default=[], help="log files of the running servers to scan")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="memledger-e2e-oauth-")
    if args.consent_url and args.auto_url:
        global OWNER_KEY
        OWNER_KEY = os.environ["MEMLEDGER_API_KEY"]
        logs = args.log + [None, None]
        consent, auto = RunningServer(args.consent_url, logs[0]), RunningServer(args.auto_url, logs[1])
    else:
        if not os.path.exists(args.binary):
            raise SystemExit(f"no binary at {args.binary}; run swift build first")
        consent = Server(args.binary, args.serve_args, None, workdir, "consent")
        try:
            auto = Server(args.binary, args.serve_args, args.auto_approve_flag, workdir, "auto")
        except BaseException:
            consent.stop()
            raise
    servers = [consent, auto]
    recorder = Secrets()
    try:
        consent.wait_ready()
        auto.wait_ready()
        short = None
        if isinstance(auto, Server):
            short = Server(args.binary, args.serve_args, args.auto_approve_flag, workdir, "short-ttl",
                           {"MEMLEDGER_OAUTH_ACCESS_TOKEN_TTL": "1"})
            servers.append(short)
            short.wait_ready()
        steps = [
            ("mcp SDK through the consent form", mcp_sdk_flow(consent, True, recorder)),
            ("mcp SDK through auto-approve", mcp_sdk_flow(auto, False, recorder)),
            ("fastmcp through auto-approve", fastmcp_flow(auto, False, recorder)),
            ("fastmcp through the consent form", fastmcp_flow(consent, True, recorder)),
            ("raw HTTP checks", raw_checks(consent, recorder)),
        ]
        if short is not None:
            steps.append(("expired access token", expiry_checks(short, recorder, 1)))
        for name, step in steps:
            try:
                await step
            except Exception as error:  # a failed step is reported, the others still run
                while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
                    error = error.exceptions[0]
                check(False, f"{name}: {type(error).__name__}: {error}")
        for server in servers:
            if server.log_path:
                scan_log(server, recorder)
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{len(FAILURES)} failure(s)" if FAILURES else "\nall OAuth end-to-end checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
