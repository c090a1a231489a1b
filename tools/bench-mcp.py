#!/usr/bin/env python3
"""What the MCP layer adds to a search: p50 of `tools/call search_memories` on /mcp beside the p50
of `POST /api/v1/memories/search` for the same queries, in the same run, at N memories.

usage: tools/bench-mcp.py [path/to/memledger] [--memories 10000] [--queries 300] [--max-overhead-ms 0.5]

The binary defaults to the release build (`swift build -c release --product memledger`).

Starts `memledger serve` on 127.0.0.1 with a temporary data directory, seeds it over REST, then
alternates MCP and REST requests (keep-alive connections, one client each) so both see the same
machine state, once the seed is embedded. Prints p50/p90 of both and the median of the paired
differences (the MCP layer's cost); with --max-overhead-ms, exits 1 when that exceeds the limit. Use a release build for meaningful figures.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

WORDS = ("deploy release database staging peanut allergy coffee tabs spaces python swift kubernetes budget meeting "
         "tuesday invoice garden bicycle holiday museum keyboard monitor latency cache ledger vector tokenizer "
         "mountain river 坚果 咖啡 会议 東京 café zoë naïve résumé").split()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))) + f" #{rng.randrange(10**9)}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary", nargs="?", default=".build/release/memledger")
    parser.add_argument("--memories", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--limit", type=int, default=15)
    parser.add_argument("--max-overhead-ms", type=float, default=None)
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        print(f"not an executable: {args.binary} (build it with: swift build -c release --product memledger)", file=sys.stderr)
        return 2

    root = tempfile.mkdtemp(prefix="memledger-mcp-latency-")
    port = free_port()
    key = "mlk_bench_" + secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEMLEDGER_", "MEM0_"))}
    env["MEMLEDGER_API_KEY"] = key
    log = open(os.path.join(root, "serve.log"), "wb")
    serve = subprocess.Popen([os.path.abspath(args.binary), "serve", "--data", os.path.join(root, "data"),
                              "--host", "127.0.0.1", "--port", str(port)],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if serve.poll() is not None or time.monotonic() > deadline:
                print("serve did not start; see", os.path.join(root, "serve.log"), file=sys.stderr)
                return 2
            time.sleep(0.1)

        rng = random.Random(7)
        texts = [sentence(rng) for _ in range(args.memories)]
        started = time.monotonic()

        def seed(chunk: list[str]) -> int:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                for text in chunk:
                    r = client.post("/api/v1/memories", json={"content": text, "agent_id": "bench"})
                    if r.status_code not in (200, 201):
                        raise RuntimeError(f"seeding failed: {r.status_code} {r.text[:200]}")
            return len(chunk)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            seeded = sum(pool.map(seed, [texts[i::8] for i in range(8)]))
        print(f"seeded {seeded} memories in {time.monotonic() - started:.1f} s")

        # Measure steady state: wait until the server's vector worker has embedded the seed.
        with httpx.Client(base_url=base, headers=headers, timeout=60) as probe:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                r = probe.post("/api/v1/memories/search", json={"query": "ledger", "limit": 1})
                if r.status_code == 200 and not r.json().get("vectors_pending"):
                    break
                time.sleep(0.5)
        print(f"vectors ready after {time.monotonic() - started:.1f} s")

        queries = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) for _ in range(args.queries)]
        mcp_headers = {**headers, "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                       "MCP-Protocol-Version": "2025-11-25"}
        mcp_times: list[float] = []
        rest_times: list[float] = []
        with httpx.Client(base_url=base, headers=headers, timeout=60) as rest, \
                httpx.Client(base_url=base, headers=mcp_headers, timeout=60) as mcp:
            def run_rest(query: str) -> float:
                t = time.perf_counter()
                r = rest.post("/api/v1/memories/search", json={"query": query, "limit": args.limit})
                elapsed = time.perf_counter() - t
                if r.status_code != 200:
                    raise RuntimeError(f"REST search failed: {r.status_code} {r.text[:200]}")
                return elapsed

            def run_mcp(query: str, n: int) -> float:
                body = json.dumps({"jsonrpc": "2.0", "id": n, "method": "tools/call",
                                   "params": {"name": "search_memories", "arguments": {"query": query, "limit": args.limit}}})
                t = time.perf_counter()
                r = mcp.post("/mcp", content=body)
                elapsed = time.perf_counter() - t
                if r.status_code != 200 or r.json().get("result", {}).get("isError"):
                    raise RuntimeError(f"MCP search failed: {r.status_code} {r.text[:200]}")
                return elapsed

            for n, query in enumerate(queries[:30]):  # warm both paths
                run_rest(query)
                run_mcp(query, n)
            for n, query in enumerate(queries):
                if n % 2 == 0:
                    rest_times.append(run_rest(query))
                    mcp_times.append(run_mcp(query, n))
                else:
                    mcp_times.append(run_mcp(query, n))
                    rest_times.append(run_rest(query))

        rest_p50, mcp_p50 = statistics.median(rest_times) * 1000, statistics.median(mcp_times) * 1000
        # Each query ran on both paths back to back: the median of the paired differences is far
        # less noisy than the difference of the two medians.
        paired = statistics.median(m - r for m, r in zip(mcp_times, rest_times)) * 1000
        print(f"memories {args.memories}, queries {len(queries)}, limit {args.limit}")
        print(f"REST search  p50 {rest_p50:.3f} ms  p90 {percentile(rest_times, 0.9) * 1000:.3f} ms")
        print(f"MCP  search  p50 {mcp_p50:.3f} ms  p90 {percentile(mcp_times, 0.9) * 1000:.3f} ms")
        overhead = paired
        print(f"MCP layer adds {overhead:.3f} ms (median of paired differences; p50 difference {mcp_p50 - rest_p50:.3f} ms)")
        if args.max_overhead_ms is not None and overhead > args.max_overhead_ms:
            print(f"FAIL: more than {args.max_overhead_ms} ms")
            return 1
        return 0
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=10)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
