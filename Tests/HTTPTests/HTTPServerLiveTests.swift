import Foundation
import Glibc
import Testing

@testable import HTTP

/// A few tests against a real server on an ephemeral loopback port.
@Suite struct HTTPServerLiveTests {
    /// Starts a server, runs `body` with its port, then stops it (forcefully) and waits for it.
    private func withServer(
        _ configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        handler: @escaping HTTPServer.Handler = { request in .text("\(request.method) \(request.path) \(request.body.count)") },
        _ body: (HTTPServer, Int) async throws -> Void
    ) async throws {
        let server = HTTPServer(configuration: configuration, handler: handler)
        let port = try server.start()
        do {
            try await body(server, port)
        } catch {
            server.shutdown(graceful: false)
            throw error
        }
        server.shutdown(graceful: false)
        try await within(seconds: 5) { await server.waitUntilStopped() }
    }

    @Test func keepAliveReusesOneConnection() async throws {
        try await withServer { _, port in
            let responses = try await offPool {
                let connection = try TestConnection(port: port)
                return try (0..<5).map { index -> TestConnection.Response in
                    try connection.send("GET /item/\(index) HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    return try connection.readResponse()
                }
            }
            #expect(responses.map(\.status) == Array(repeating: 200, count: 5))
            #expect(responses.map(\.text) == (0..<5).map { "GET /item/\($0) 0" })
            #expect(responses.allSatisfy { $0.header("Connection") == nil && $0.header("Date") != nil })
        }
    }

    @Test func pipelinedRequestsInOneWrite() async throws {
        try await withServer { _, port in
            let texts = try await offPool {
                let connection = try TestConnection(port: port)
                try connection.send(
                    "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiHEAD /c HTTP/1.1\r\nHost: x\r\n\r\n")
                return try [connection.readResponse().text, connection.readResponse().text, connection.readResponse(head: true).text]
            }
            #expect(texts == ["GET /a 0", "POST /b 2", ""])
        }
    }

    @Test func chunkedUploadIsReassembled() async throws {
        try await withServer(handler: { request in .json(request.body) }) { _, port in
            let response = try await offPool {
                let connection = try TestConnection(port: port)
                try connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n")
                let interim = try connection.readResponse()
                guard interim.status == 100 else { return interim }
                try connection.send("4;note=1\r\n{\"a\"\r\n")
                try connection.send("6\r\n:12345\r\n")
                try connection.send("1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(response.status == 200)
            #expect(response.text == "{\"a\":12345}")
            #expect(response.header("Content-Type") == "application/json")
        }
    }

    @Test func largeBodiesInBothDirections() async throws {
        let big = pattern(count: 1 << 20, modulo: 251)
        let upload = pattern(count: 256 << 10, modulo: 253)
        let handler: HTTPServer.Handler = { request in
            if request.path == "/download" { return HTTPResponse(body: big) }
            return .text(Self.same(request.body, upload) ? "same \(request.body.count)" : "different")
        }
        try await withServer(HTTPServerConfiguration(maxBodyBytes: 1 << 20), handler: handler) { _, port in
            let (uploaded, downloaded) = try await offPool {
                let connection = try TestConnection(port: port, receiveBuffer: 16 << 10)
                try connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(upload.count)\r\n\r\n")
                try connection.send(upload)
                let uploaded = try connection.readResponse().text
                try connection.send("GET /download HTTP/1.1\r\nHost: x\r\n\r\n")
                return (uploaded, try connection.readResponse().body)
            }
            #expect(uploaded == "same \(upload.count)")
            #expect(Self.same(downloaded, big))
        }
    }

    private static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && a.withUnsafeBytes { a in b.withUnsafeBytes { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
    }

    /// Bytes `0, 1, …, modulo-1, 0, …`, built without per-element closures (debug builds are slow).
    private func pattern(count: Int, modulo: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var value = 0
            for index in 0..<count {
                buffer[index] = UInt8(value)
                value = value + 1 == modulo ? 0 : value + 1
            }
            initialized = count
        }
    }

    @Test func slowClientIsCutOffByTheHeaderTimeout() async throws {
        try await withServer(HTTPServerConfiguration(headerTimeout: .milliseconds(200))) { _, port in
            let (response, closed) = try await offPool {
                let connection = try TestConnection(port: port)
                try connection.send("GET / HTTP/1.1\r\nHost: x\r\n")
                let response = try connection.readResponse()
                return (response, connection.isClosedByServer())
            }
            #expect(response.status == 408)
            #expect(response.text.contains("0.2 seconds"))
            #expect(closed)
        }
    }

    @Test func oversizedBodyGets413BeforeTheUploadFinishes() async throws {
        try await withServer(HTTPServerConfiguration(maxBodyBytes: 1000)) { _, port in
            let response = try await offPool {
                let connection = try TestConnection(port: port)
                try connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n")
                // The client keeps sending; the server must still deliver its answer, not a reset.
                try? connection.send([UInt8](repeating: 0x61, count: 100_000))
                return try connection.readResponse()
            }
            #expect(response.status == 413)
            #expect(response.text.contains("limit of 1000 bytes"))
            #expect(response.header("Connection") == "close")
        }
    }

    @Test func saturatedServerAnswers503WithRetryAfter() async throws {
        let gate = Gate()
        let configuration = HTTPServerConfiguration(maxInFlight: 1, retryAfterSeconds: 2)
        try await withServer(configuration, handler: { request in
            if request.path == "/slow" { await gate.pass() }
            return .text("done")
        }) { _, port in
            let slow = try await offPool {
                let connection = try TestConnection(port: port)
                try connection.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
                return connection
            }
            try await within(seconds: 5) { await gate.arrivals(1) }
            let rejected = try await offPool {
                let connection = try TestConnection(port: port)
                try connection.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
                let first = try connection.readResponse()
                return (first, connection)
            }
            #expect(rejected.0.status == 503)
            #expect(rejected.0.header("Retry-After") == "2")
            #expect(rejected.0.text.contains("\"error\":\"overloaded\""))
            gate.open()
            let finished = try await offPool { try slow.readResponse() }
            #expect(finished.status == 200)
            // The refused client kept its connection and is served once capacity is back.
            let retried = try await offPool {
                try rejected.1.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
                return try rejected.1.readResponse()
            }
            #expect(retried.status == 200)
        }
    }

    @Test func gracefulShutdownFinishesTheInFlightRequest() async throws {
        let gate = Gate()
        let server = HTTPServer(configuration: HTTPServerConfiguration()) { _ in
            await gate.pass()
            return .text("finished")
        }
        let port = try server.start()
        let connection = try await offPool {
            let connection = try TestConnection(port: port)
            try connection.send("GET /work HTTP/1.1\r\nHost: x\r\n\r\n")
            return connection
        }
        let idle = try await offPool { try TestConnection(port: port) }
        try await within(seconds: 5) { await gate.arrivals(1) }
        server.shutdown(graceful: true)
        let stopped = Task { await server.waitUntilStopped() }
        // New connections are refused and idle ones closed while the request is still running.
        let refused = try await within(seconds: 5) {
            try await offPool {
                for _ in 0..<100 {
                    if (try? TestConnection(port: port)) == nil { return true }
                    usleep(10_000)
                }
                return false
            }
        }
        #expect(refused)
        #expect(try await offPool { idle.isClosedByServer() })
        gate.open()
        let response = try await offPool {
            defer { connection.hangUp() }
            return try connection.readResponse()
        }
        #expect(response.status == 200)
        #expect(response.text == "finished")
        #expect(response.header("Connection") == "close")
        try await within(seconds: 5) { await stopped.value }
        #expect(server.port == nil)
    }

    @Test func signalTriggersGracefulShutdown() async throws {
        let server = HTTPServer { _ in .text("ok") }
        let port = try server.start()
        server.stopOnSignals([SIGUSR2])
        let status = try await offPool {
            let connection = try TestConnection(port: port)
            try connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            return try connection.readResponse().status
        }
        #expect(status == 200)
        kill(getpid(), SIGUSR2)
        try await within(seconds: 5) { await server.waitUntilStopped() }
        #expect(server.port == nil)
    }

    @Test func secondServerOnTakenPortFailsWithTypedError() async throws {
        try await withServer { _, port in
            let second = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port)) { _ in .text("") }
            let error = try #require(throws: HTTPServerError.self) { try second.start() }
            #expect(error.code == .addressInUse)
            #expect(error.address == "127.0.0.1:\(port)")
            #expect(error.description.contains("127.0.0.1:\(port)"))
            #expect(error.description.contains("already in use"))
        }
    }

    @Test func manyIdleConnectionsDoNotBlockANewRequest() async throws {
        // Half the connections never send a byte: a header timeout longer than a loaded run takes keeps
        // them open until the end (their closing on time has tests of its own).
        let patient = HTTPServerConfiguration(host: "127.0.0.1", port: 0, headerTimeout: .seconds(300))
        try await withServer(patient) { _, port in
            let (idle, elapsed, status) = try await offPool {
                let idle = try (0..<500).map { _ in try TestConnection(port: port) }
                // Half of them become idle keep-alive connections after one request.
                for connection in idle[..<250] { try connection.send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n") }
                for connection in idle[..<250] { _ = try connection.readResponse() }
                let start = DispatchTime.now().uptimeNanoseconds
                let fresh = try TestConnection(port: port)
                try fresh.send("GET /fresh HTTP/1.1\r\nHost: x\r\n\r\n")
                let status = try fresh.readResponse().status
                return (idle, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, status)
            }
            #expect(status == 200)
            #expect(elapsed < 1.0)
            let stillServed = try await offPool {
                try [idle[0], idle[499]].map { connection in
                    try connection.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n")
                    return try connection.readResponse().status
                }
            }
            #expect(stillServed == [200, 200])
        }
    }
}
