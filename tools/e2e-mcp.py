#!/usr/bin/env python3
"""End-to-end check of memledger's MCP fronts with real clients.

Drives `memledger mcp` (stdio) and `memledger serve` (Streamable HTTP at /mcp and /mcp/) with the
official `mcp` Python SDK client (2.x) and the `fastmcp` client (4.x): initialize, list tools,
call every tool, the error paths; two clients with different agent ids that read each other's
memories; one HTTP and one stdio client on the same data directory at the same time; and raw
HTTP status checks for the checklist table (see tools/e2e-mcp-http.py).

usage: tools/e2e-mcp.py path/to/memledger [--stdio-only] [--verbose]

Starts and stops everything itself on 127.0.0.1 in a temporary directory. Prints one line per
check and a final `N passed, N failed`; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import httpx2
from mcp.client import Client as SDKClient
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from fastmcp import Client as FastClient
from fastmcp.client.transports import StdioTransport, StreamableHttpTransport

EXPECTED_TOOLS = {
    "add_memory", "search_memories", "list_memories", "get_memory",
    "update_memory", "delete_memory", "memory_history",
}
READ_TOOLS = {"search_memories", "list_memories", "get_memory", "memory_history"}
NON_ENGLISH = "我对坚果过敏 🥜 Zoë"


# ---------------------------------------------------------------------------------------------
# Reporting

@dataclass
class Report:
    verbose: bool = False
    passed: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"  ok   {name}")
        else:
            self.failed += 1
            line = f"{name}: {detail}" if detail else name
            self.failures.append(line)
            print(f"  FAIL {line}")
        return ok

    def crash(self, name: str, error: BaseException) -> None:
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        if self.verbose:
            traceback.print_exception(error)
        self.check(name, False, detail[:600])


# ---------------------------------------------------------------------------------------------
# A uniform view of the two client libraries

@dataclass
class ToolAnswer:
    is_error: bool
    structured: dict[str, Any] | None
    text: str


@dataclass
class Session:
    """What a suite needs from a connected client, whichever library made it."""
    label: str
    list_tools: Callable[[], Awaitable[list[dict[str, Any]]]]
    call: Callable[[str, dict[str, Any]], Awaitable[ToolAnswer]]
    ping: Callable[[], Awaitable[Any]]
    server_name: str | None
    instructions: str | None


def _text_of(content: list[Any]) -> str:
    return "".join(getattr(block, "text", "") for block in content)


@contextlib.asynccontextmanager
async def sdk_session(label: str, target: Any, mode: str = "auto"):
    """The official SDK's high-level client over `target` (stdio parameters or a transport)."""
    async with SDKClient(target, mode=mode, read_timeout_seconds=30) as client:
        async def list_tools() -> list[dict[str, Any]]:
            result = await client.list_tools()
            return [tool.model_dump(by_alias=True, exclude_none=True) for tool in result.tools]

        async def call(name: str, arguments: dict[str, Any]) -> ToolAnswer:
            result = await client.call_tool(name, arguments)
            return ToolAnswer(result.is_error, result.structured_content, _text_of(result.content))

        info = client.server_info
        yield Session(label, list_tools, call, client.send_ping, info.name if info else None, client.instructions)


@contextlib.asynccontextmanager
async def fastmcp_session(label: str, transport: Any):
    """The fastmcp client over `transport`."""
    async with FastClient(transport, timeout=30) as client:
        async def list_tools() -> list[dict[str, Any]]:
            tools = await client.list_tools()
            return [tool.model_dump(by_alias=True, exclude_none=True) for tool in tools]

        async def call(name: str, arguments: dict[str, Any]) -> ToolAnswer:
            result = await client.call_tool(name, arguments, raise_on_error=False)
            return ToolAnswer(result.is_error, result.structured_content, _text_of(result.content))

        init = client.initialize_result
        yield Session(
            label, list_tools, call, client.ping,
            init.server_info.name if init else None, init.instructions if init else None)


def stdio_params(binary: str, data: str, agent: str) -> StdioServerParameters:
    return StdioServerParameters(command=binary, args=["mcp", "--data", data, "--agent", agent], env=child_env())


def fastmcp_stdio(binary: str, data: str, agent: str) -> StdioTransport:
    return StdioTransport(binary, ["mcp", "--data", data, "--agent", agent], env=child_env(), keep_alive=False)


def sdk_http(url: str, key: str | None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return streamable_http_client(url, http_client=httpx2.AsyncClient(headers=headers, timeout=30))


def fastmcp_http(url: str, key: str | None) -> StreamableHttpTransport:
    return StreamableHttpTransport(url, auth=key)


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEMLEDGER_", "MEM0_"))}
    env["MEMLEDGER_LOG_LEVEL"] = "warning"
    return env


# ---------------------------------------------------------------------------------------------
# The tool suite every client runs

async def tool_suite(report: Report, s: Session, agent: str) -> None:
    """initialize (already done), ping, tools/list, every tool, and the error paths."""
    p = s.label
    report.check(f"{p}: initialize names the server", s.server_name == "memledger", repr(s.server_name))
    report.check(f"{p}: instructions mention search_memories", "search_memories" in (s.instructions or ""))
    await s.ping()
    report.check(f"{p}: ping", True)

    tools = await s.list_tools()
    names = {t["name"] for t in tools}
    report.check(f"{p}: tools/list has the seven tools", names == EXPECTED_TOOLS, str(sorted(names)))
    for tool in tools:
        annotations = tool.get("annotations") or {}
        name = tool["name"]
        ok = (tool.get("title") and tool.get("description") and tool.get("inputSchema", {}).get("type") == "object"
              and tool.get("outputSchema", {}).get("type") == "object"
              and annotations.get("openWorldHint") is False
              and annotations.get("readOnlyHint") is (name in READ_TOOLS))
        report.check(f"{p}: {name} definition complete", bool(ok), json.dumps(tool)[:300])
        if name in READ_TOOLS:
            report.check(f"{p}: {name} takes no agent_id", "agent_id" not in tool["inputSchema"].get("properties", {}))

    marker = secrets.token_hex(4)
    content = f"{NON_ENGLISH} {marker}"
    add = await s.call("add_memory", {"content": content, "agent_id": agent, "metadata": {"source": "e2e", "m": marker}})
    memory_id = (add.structured or {}).get("id")
    report.check(f"{p}: add_memory", not add.is_error and bool(memory_id), add.text[:200])
    report.check(f"{p}: add_memory records the agent", (add.structured or {}).get("agent_id") == agent)
    report.check(f"{p}: add_memory content byte-identical", (add.structured or {}).get("content") == content)
    report.check(f"{p}: text block shows 🥜 unescaped", "🥜" in add.text and "\\ud83e" not in add.text and "\\u" not in add.text)

    again = await s.call("add_memory", {"content": content, "agent_id": agent})
    report.check(f"{p}: repeated add is deduplicated",
                 (again.structured or {}).get("id") == memory_id and (again.structured or {}).get("deduplicated") is True)

    get = await s.call("get_memory", {"memory_id": memory_id})
    report.check(f"{p}: get_memory", not get.is_error and (get.structured or {}).get("content") == content, get.text[:200])

    for query in ("坚果", "zoe", marker):
        found = await s.call("search_memories", {"query": query, "limit": 15})
        ids = [r.get("id") for r in (found.structured or {}).get("results", [])]
        report.check(f"{p}: search_memories {query!r} finds it", memory_id in ids, found.text[:200])
    filtered = await s.call("search_memories", {"query": marker, "filters": {"metadata": {"m": marker}}, "mode": "keyword"})
    report.check(f"{p}: search with a metadata filter",
                 [r.get("id") for r in (filtered.structured or {}).get("results", [])] == [memory_id], filtered.text[:200])

    listed = await s.call("list_memories", {"limit": 100})
    pagination = (listed.structured or {}).get("pagination", {})
    report.check(f"{p}: list_memories", not listed.is_error and "has_more" in pagination
                 and any(r.get("id") == memory_id for r in (listed.structured or {}).get("results", [])), listed.text[:200])

    updated = await s.call("update_memory", {"memory_id": memory_id, "content": content + " (updated)", "agent_id": agent})
    report.check(f"{p}: update_memory", not updated.is_error and (updated.structured or {}).get("version") == 2, updated.text[:200])

    history = await s.call("memory_history", {"memory_id": memory_id})
    events = [e.get("event") for e in (history.structured or {}).get("history", [])]
    report.check(f"{p}: memory_history", events == ["added", "updated"], str(events))

    deleted = await s.call("delete_memory", {"memory_id": memory_id, "agent_id": agent})
    report.check(f"{p}: delete_memory", not deleted.is_error and (deleted.structured or {}).get("deleted") is True, deleted.text[:200])

    # Error paths: isError results an agent can act on, never protocol errors.
    gone = await s.call("get_memory", {"memory_id": memory_id})
    report.check(f"{p}: get after delete is isError not_found",
                 gone.is_error and (gone.structured or {}) == {"error": "not_found", "memory_id": memory_id}, f"{gone}")
    bogus = await s.call("delete_memory", {"memory_id": "not-an-id"})
    report.check(f"{p}: delete of an unknown id is isError", bogus.is_error and "not_found" in json.dumps(bogus.structured))
    blank = await s.call("search_memories", {"query": "   "})
    report.check(f"{p}: blank query is isError (case 12)", blank.is_error and "query" in blank.text, blank.text[:200])
    missing = await s.call("add_memory", {})
    report.check(f"{p}: add without content is isError", missing.is_error and "content" in missing.text, missing.text[:200])
    wrong = await s.call("list_memories", {"limit": 1000})
    report.check(f"{p}: list limit out of range is isError", wrong.is_error and "limit" in wrong.text, wrong.text[:200])
    agent_filter = await s.call("search_memories", {"query": "x", "filters": {"agent_id": agent}})
    report.check(f"{p}: agent_id filter is refused", agent_filter.is_error and "agent_id" in agent_filter.text)
    nothing = await s.call("update_memory", {"memory_id": "00000000-0000-0000-0000-000000000000", "content": "x"})
    report.check(f"{p}: update of a missing memory is isError not_found",
                 nothing.is_error and (nothing.structured or {}).get("error") == "not_found")


async def unknown_tool_is_protocol_error(report: Report, label: str, session: Session) -> None:
    try:
        answer = await session.call("no_such_tool", {})
    except Exception as error:  # the SDKs raise on a JSON-RPC error
        report.check(f"{label}: unknown tool is a JSON-RPC error", "no_such_tool" in str(error) or "Unknown tool" in str(error), str(error)[:200])
        return
    report.check(f"{label}: unknown tool is a JSON-RPC error", False, f"got a result: {answer}")


async def cross_agents(report: Report, label: str, a: Session, agent_a: str, b: Session, agent_b: str,
                       b_names_itself: bool = False) -> None:
    """Case 4 and 20: each client writes under its own agent id and reads the other's memory.

    `a` passes agent_id; `b` passes it only when `b_names_itself`, else its process's --agent applies.
    """
    marker = secrets.token_hex(5)
    first = await a.call("add_memory", {"content": f"fact from {agent_a} {marker}", "agent_id": agent_a})
    second_arguments: dict[str, Any] = {"content": f"fact from {agent_b} {marker}"}
    if b_names_itself:
        second_arguments["agent_id"] = agent_b
    second = await b.call("add_memory", second_arguments)
    ids = {(first.structured or {}).get("id"): agent_a, (second.structured or {}).get("id"): agent_b}
    report.check(f"{label}: both adds succeed", not first.is_error and not second.is_error, f"{first.text[:100]} / {second.text[:100]}")
    for reader, name in ((a, agent_a), (b, agent_b)):
        found = await reader.call("search_memories", {"query": marker, "limit": 10, "mode": "keyword"})
        hits = {r.get("id"): r.get("agent_id") for r in (found.structured or {}).get("results", [])}
        report.check(f"{label}: {name} sees both agents' memories", hits == ids, f"{hits} != {ids}")
        for memory_id in ids:
            got = await reader.call("get_memory", {"memory_id": memory_id})
            report.check(f"{label}: {name} gets {ids[memory_id]}'s memory", not got.is_error)


# ---------------------------------------------------------------------------------------------
# Processes

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeProcess:
    """`memledger serve` on a free loopback port, with a known owner key."""

    def __init__(self, binary: str, data: str, log_path: str) -> None:
        self.port = free_port()
        self.key = "mlk_e2e_" + secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        env = child_env()
        env["MEMLEDGER_API_KEY"] = self.key
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [binary, "serve", "--data", data, "--host", "127.0.0.1", "--port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def wait_ready(self, timeout: float = 60) -> str | None:
        """None when `/healthz` answers, else why not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"serve exited with status {self.process.returncode}"
            try:
                if httpx2.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return None
            except httpx2.HTTPError:
                pass
            time.sleep(0.1)
        return "serve did not answer /healthz in time"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def ledger_head(binary: str, data: str) -> dict[str, Any]:
    out = subprocess.run([binary, "verify", "--data", data, "--json"], capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout) if out.stdout.strip().startswith("{") else {"ok": False, "stderr": out.stderr[-300:]}


# ---------------------------------------------------------------------------------------------
# Scenarios

async def run_step(report: Report, name: str, step: Callable[[], Awaitable[None]]) -> None:
    try:
        await asyncio.wait_for(step(), timeout=120)
    except Exception as error:  # noqa: BLE001 - every crash is a failed check, never a silent pass
        report.crash(name, error)


async def stdio_scenarios(report: Report, binary: str, root: str) -> None:
    data = os.path.join(root, "stdio")
    print("stdio: official SDK (auto and legacy negotiation) and fastmcp")

    async def sdk(mode: str) -> None:
        async with sdk_session(f"stdio/sdk-{mode}", stdio_params(binary, data, f"sdk-{mode}"), mode=mode) as s:
            await tool_suite(report, s, f"sdk-{mode}")
            await unknown_tool_is_protocol_error(report, s.label, s)

    async def fast() -> None:
        async with fastmcp_session("stdio/fastmcp", fastmcp_stdio(binary, data, "fastmcp")) as s:
            await tool_suite(report, s, "fastmcp")
            await unknown_tool_is_protocol_error(report, s.label, s)

    async def two_processes() -> None:
        async with sdk_session("stdio×2", stdio_params(binary, data, "alpha")) as a, \
                fastmcp_session("stdio×2", fastmcp_stdio(binary, data, "beta")) as b:
            await cross_agents(report, "stdio×2 (sdk alpha, fastmcp beta)", a, "alpha", b, "beta")

    await run_step(report, "stdio/sdk-auto", lambda: sdk("auto"))
    await run_step(report, "stdio/sdk-legacy", lambda: sdk("legacy"))
    await run_step(report, "stdio/fastmcp", fast)
    await run_step(report, "stdio×2", two_processes)
    head = ledger_head(binary, data)
    report.check("stdio: ledger verifies after the runs", head.get("ok") is True, str(head)[:300])


async def http_scenarios(report: Report, binary: str, root: str) -> None:
    data = os.path.join(root, "http")
    serve = ServeProcess(binary, data, os.path.join(root, "serve.log"))
    try:
        problem = serve.wait_ready()
        if not report.check("http: memledger serve starts", problem is None, problem or ""):
            return
        probe = httpx2.post(serve.base + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                            headers={"Authorization": f"Bearer {serve.key}", "Accept": "application/json, text/event-stream"})
        if not report.check("http: /mcp is served", probe.status_code != 404, f"status {probe.status_code}"):
            return
        print(f"http: serve on {serve.base}; official SDK and fastmcp on /mcp and /mcp/")
        for path in ("/mcp", "/mcp/"):
            url = serve.base + path

            async def sdk(url: str = url, path: str = path) -> None:
                async with sdk_session(f"http{path}/sdk", sdk_http(url, serve.key)) as s:
                    await tool_suite(report, s, "sdk-http")
                    await unknown_tool_is_protocol_error(report, s.label, s)

            async def fast(url: str = url, path: str = path) -> None:
                async with fastmcp_session(f"http{path}/fastmcp", fastmcp_http(url, serve.key)) as s:
                    await tool_suite(report, s, "fastmcp-http")

            await run_step(report, f"http{path}/sdk", sdk)
            await run_step(report, f"http{path}/fastmcp", fast)

        async def unauthenticated() -> None:
            for path in ("/mcp", "/mcp/"):
                # The SDK surfaces the 401 only as a failed connection; the status itself is checked raw.
                try:
                    async with sdk_session(f"http{path}/no-key", sdk_http(serve.base + path, None), mode="legacy"):
                        report.check(f"http{path}: SDK initialize without a key fails", False, "connected")
                except Exception:  # noqa: BLE001
                    report.check(f"http{path}: SDK initialize without a key fails", True)

        await run_step(report, "http/no-key", unauthenticated)

        async def http_and_stdio() -> None:
            # Case 20: an HTTP client and a stdio process on the same data directory at the same time.
            async with sdk_session("http+stdio", sdk_http(serve.base + "/mcp", serve.key)) as h, \
                    fastmcp_session("http+stdio", fastmcp_stdio(binary, data, "stdio-agent")) as s:
                await cross_agents(report, "http+stdio (sdk over http, fastmcp over stdio)", h, "http-agent", s, "stdio-agent")
                # Interleaved writes from both, then every one visible to both.
                marker = secrets.token_hex(5)
                writes = []
                for i in range(10):
                    writes.append(h.call("add_memory", {"content": f"interleaved {marker} http {i}", "agent_id": "http-agent"}))
                    writes.append(s.call("add_memory", {"content": f"interleaved {marker} stdio {i}"}))
                answers = await asyncio.gather(*writes)
                report.check("http+stdio: 20 concurrent writes acknowledged", all(not a.is_error for a in answers))
                for reader, name in ((h, "http"), (s, "stdio")):
                    found = await reader.call("search_memories", {"query": f"interleaved {marker}", "limit": 50, "mode": "keyword"})
                    report.check(f"http+stdio: {name} sees all 20", len((found.structured or {}).get("results", [])) == 20,
                                 str(len((found.structured or {}).get("results", []))))

        await run_step(report, "http+stdio", http_and_stdio)

        async def two_http() -> None:
            async with sdk_session("http×2", sdk_http(serve.base + "/mcp", serve.key)) as a, \
                    fastmcp_session("http×2", fastmcp_http(serve.base + "/mcp/", serve.key)) as b:
                await cross_agents(report, "http×2 (sdk claude, fastmcp codex)", a, "claude", b, "codex", b_names_itself=True)

        await run_step(report, "http×2", two_http)

        from importlib import util
        spec = util.spec_from_file_location("e2e_mcp_http", os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e-mcp-http.py"))
        module = util.module_from_spec(spec)
        spec.loader.exec_module(module)
        reader_key, why = module.create_reader_key(binary, data)
        report.check("http: a memory.read-only key can be created", reader_key is not None, why)
        module.run(report, serve.base, serve.key, reader_key)
    finally:
        serve.stop()
    head = ledger_head(binary, data)
    report.check("http: ledger verifies after the runs", head.get("ok") is True, str(head)[:300])


async def main() -> int:
    # ping is deprecated only for 2026-era sessions; these are handshake-era on purpose.
    warnings.filterwarnings("ignore", message="ping is removed")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary", help="path to the memledger executable")
    parser.add_argument("--stdio-only", action="store_true", help="skip everything that needs `memledger serve`")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        print(f"not an executable: {binary}", file=sys.stderr)
        return 2
    report = Report(verbose=args.verbose)
    root = tempfile.mkdtemp(prefix="memledger-e2e-mcp-")
    started = time.monotonic()
    try:
        await stdio_scenarios(report, binary, root)
        if not args.stdio_only:
            await http_scenarios(report, binary, root)
    finally:
        if report.failed == 0:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"data and logs kept in {root}")
    print(f"{report.passed} passed, {report.failed} failed ({time.monotonic() - started:.1f} s)")
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
