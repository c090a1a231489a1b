#!/usr/bin/env python3
"""Slowloris check: 200 connections trickling a request head at 1 byte per second must not slow a
normal client. Usage: tools/slowloris.py PATH/TO/memledger [--connections 200] [--seconds 20]

Starts the binary on a fresh data directory, seeds 200 memories, measures a normal client
(a new connection per request: list 10 memories) unloaded, then again while the slow connections
run (each reconnects when the server's header timeout drops it). Prints one JSON line; exits 1
when the loaded p50 is more than twice the unloaded p50.
"""
import argparse
import asyncio
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(port, key, seconds):
    """Latencies (ms) of sequential requests, each on a new connection, for `seconds`."""
    out = []
    end = time.time() + seconds
    while time.time() < end:
        t = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/v1/memories?limit=10", headers={"Authorization": f"Bearer {key}"})
        r = conn.getresponse()
        r.read()
        conn.close()
        if r.status != 200:
            raise SystemExit(f"normal client got {r.status}")
        out.append((time.perf_counter() - t) * 1000)
    return out


async def slow_connection(port, stop, stats):
    head = b"GET /api/v1/memories HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10_000
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            stats["opened"] += 1
            for i in range(len(head)):
                if stop.is_set():
                    break
                writer.write(head[i:i + 1])
                await writer.drain()
                await asyncio.sleep(1)
            writer.close()
        except (ConnectionError, OSError):
            stats["dropped"] += 1
            await asyncio.sleep(0.5)


def run_slow(port, count, stop, stats):
    async def main():
        flag = asyncio.Event()
        tasks = [asyncio.create_task(slow_connection(port, flag, stats)) for _ in range(count)]
        while not stop.is_set():
            await asyncio.sleep(0.1)
        flag.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    asyncio.run(main())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--connections", type=int, default=200)
    p.add_argument("--seconds", type=float, default=20)
    a = p.parse_args()
    root = tempfile.mkdtemp(prefix="memledger-slowloris-")
    port = free_port()
    log = open(os.path.join(root, "serve.log"), "wb")
    proc = subprocess.Popen([a.binary, "serve", "--port", str(port), "--data", os.path.join(root, "data"), "--log-level", "warning"],
                            stderr=log, stdout=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        key = re.search(r"mlk_[A-Za-z0-9_-]{43}", open(os.path.join(root, "serve.log")).read()).group(0)
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "load-seed.py"), str(port), key, "200"], check=True)
        unloaded = measure(port, key, a.seconds / 2)
        stop, stats = threading.Event(), {"opened": 0, "dropped": 0}
        slow = threading.Thread(target=run_slow, args=(port, a.connections, stop, stats))
        slow.start()
        time.sleep(3)  # let every slow connection open
        loaded = measure(port, key, a.seconds)
        stop.set()
        slow.join()
        u, l = statistics.median(unloaded), statistics.median(loaded)
        result = {"slow_connections": a.connections, "slow_opened": stats["opened"], "normal_requests_unloaded": len(unloaded),
                  "normal_requests_loaded": len(loaded), "p50_unloaded_ms": round(u, 2), "p50_loaded_ms": round(l, 2),
                  "p99_loaded_ms": round(sorted(loaded)[int(len(loaded) * 0.99) - 1], 2), "ratio": round(l / u, 2)}
        print(json.dumps(result))
        sys.exit(0 if l <= 2 * u else 1)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        subprocess.run(["rm", "-rf", root])


if __name__ == "__main__":
    main()
