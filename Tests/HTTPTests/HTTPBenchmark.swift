import Foundation
import Synchronization
import Testing

@testable import HTTP

/// Throughput and latency of the live server, run only by `tools/http-bench.sh` (HTTP_BENCH=1),
/// because a measurement takes seconds and the unit tests must stay fast.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["HTTP_BENCH"] == "1"))
struct HTTPBenchmark {
    private var seconds: Double {
        Double(ProcessInfo.processInfo.environment["HTTP_BENCH_SECONDS"] ?? "") ?? 3
    }

    @Test(arguments: [(connections: 1, idle: 0), (connections: 8, idle: 0), (connections: 8, idle: 5000)])
    func keepAliveRequests(connections: Int, idle: Int) async throws {
        let body = Array(#"{"ok":true}"#.utf8)
        let server = HTTPServer(configuration: HTTPServerConfiguration(maxConnections: idle + 1000)) { _ in .json(body) }
        let port = try server.start()
        let duration = seconds
        let idleConnections = try await offPool { try (0..<idle).map { _ in try TestConnection(port: port) } }
        let results = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<connections {
                group.addTask {
                    try await offPool {
                        let connection = try TestConnection(port: port)
                        var latencies: [UInt64] = []
                        let end = DispatchTime.now().uptimeNanoseconds + UInt64(duration * 1e9)
                        while DispatchTime.now().uptimeNanoseconds < end {
                            let start = DispatchTime.now().uptimeNanoseconds
                            try connection.send("GET /bench HTTP/1.1\r\nHost: localhost\r\n\r\n")
                            guard try connection.readResponse().status == 200 else { throw TestConnection.Failure(description: "status") }
                            latencies.append(DispatchTime.now().uptimeNanoseconds - start)
                        }
                        return latencies
                    }
                }
            }
            var all: [UInt64] = []
            for try await latencies in group { all += latencies }
            return all.sorted()
        }
        server.shutdown(graceful: false)
        await server.waitUntilStopped()
        _ = idleConnections
        #expect(!results.isEmpty)
        func percentile(_ p: Double) -> Double { Double(results[min(results.count - 1, Int(Double(results.count) * p))]) / 1e3 }
        print(
            #"{"bench":"http_keepalive","connections":\#(connections),"idle_connections":\#(idle),"requests":\#(results.count),"#
                + #""requests_per_second":\#(Int(Double(results.count) / duration)),"p50_us":\#(Int(percentile(0.5))),"#
                + #""p99_us":\#(Int(percentile(0.99)))}"#)
    }
}
