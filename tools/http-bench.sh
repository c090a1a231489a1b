#!/bin/sh
# Keep-alive throughput and latency of the HTTP server: an in-process server with a trivial
# handler and blocking client threads on loopback (1 and 8 connections, and 8 with 5,000 idle
# keep-alive connections open). Prints one JSON line per case.
#   tools/http-bench.sh            # 3 seconds per case
#   HTTP_BENCH_SECONDS=10 tools/http-bench.sh
# Client and server share the machine's cores, so figures are a floor, not a ceiling.
set -eu
cd "$(dirname "$0")/.."
HTTP_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter HTTPBenchmark 2>&1 \
    | grep -E '^\{"bench"|✘|error:' || true
