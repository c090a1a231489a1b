import Foundation
import HTTP
import JSON
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import Server

/// Tests through a real socket: the application behind `HTTPServer` on an ephemeral loopback port.
@Suite struct LiveSocketTests {
    func withServer(
        configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (ServerFixture, Int) async throws -> Void
    ) async throws {
        let f = try await ServerFixture(configure: configure)
        let app = f.app
        let server = HTTPServer(configuration: app.httpConfiguration(port: 0)) { await app.handle($0) }
        let port = try server.start()
        do { try await body(f, port) } catch {
            server.shutdown(graceful: false)
            throw error
        }
        server.shutdown(graceful: true)
        await server.waitUntilStopped()
    }

    /// One answer read off the wire.
    struct Reply {
        let status: Int
        let response: HTTPURLResponse
        let data: Data
        var json: JSONValue { (try? JSONValue.parse(Array(data))) ?? .null }
        var text: String { String(decoding: data, as: UTF8.self) }
        func header(_ name: String) -> String? { response.value(forHTTPHeaderField: name) }

        /// Checks a REST error answer: `status`, and a body of exactly `{error, detail, request_id}`
        /// whose `request_id` is the `X-Request-Id` header.
        func expectError(_ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
            #expect(Set(json.objectValue?.keys ?? []) == ["error", "detail", "request_id"], "\(text)", sourceLocation: sourceLocation)
            #expect(json["error"]?.stringValue == code, sourceLocation: sourceLocation)
            #expect(json["detail"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
            #expect(json["request_id"]?.stringValue == header("X-Request-Id"), sourceLocation: sourceLocation)
        }
    }

    /// Sends one request; a body is declared as JSON unless `headers` name another `Content-Type`.
    func send(
        _ port: Int, _ method: String, _ path: String, key: String? = nil, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return Reply(status: http.statusCode, response: http, data: data)
    }

    func send(
        _ port: Int, _ method: String, _ path: String, key: String? = nil, json: JSONValue, headers: [(String, String)] = []
    ) async throws -> Reply {
        try await send(port, method, path, key: key, body: json.serialized(), headers: headers)
    }

    /// Adds `content` as the writer key and returns the new memory's id.
    func add(_ content: String, _ f: ServerFixture, _ port: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let reply = try await send(port, "POST", "/api/v1/memories", key: f.writerKey, json: ["content": .string(content)])
        try #require(reply.status == 201, "add answered \(reply.status): \(reply.text)", sourceLocation: sourceLocation)
        return try #require(reply.json["id"]?.stringValue, sourceLocation: sourceLocation)
    }

    /// The ledger events of one memory, as the events feed shows them.
    func events(of id: String, _ f: ServerFixture, _ port: Int) async throws -> [JSONValue] {
        try await send(port, "GET", "/api/v1/events?stream_id=\(id)", key: f.ownerKey).json["events"]?.arrayValue ?? []
    }

    @Test func addThenGetOverTheWire() async throws {
        try await withServer { f, port in
            let reply = try await send(port, "POST", "/api/v1/memories", key: f.writerKey, body: Array(#"{"content":"我对坚果过敏 🥜 Zoë"}"#.utf8))
            #expect(reply.status == 201)
            let id = try #require(reply.json["id"]?.stringValue)
            let got = try await send(port, "GET", "/api/v1/memories/\(id)", key: f.readerKey)
            #expect(got.status == 200)
            #expect(got.json["content"] == "我对坚果过敏 🥜 Zoë")
            #expect(got.header("X-Request-Id")?.isEmpty == false)
        }
    }

    @Test func unauthenticatedAndUnknownOverTheWire() async throws {
        try await withServer { f, port in
            let refused = try await send(port, "GET", "/api/v1/memories")
            refused.expectError(401, "unauthorized")
            #expect(refused.header("WWW-Authenticate") == "Bearer realm=\"memledger\"")
            try await send(port, "GET", "/api/v1/memories/not-an-id", key: f.readerKey).expectError(404, "not_found")
            #expect(try await send(port, "GET", "/healthz").status == 200)
        }
    }

    /// Case 7 over the wire: a 2 MiB body is refused by the HTTP layer with 413 naming the limit.
    @Test func oversizedBodyIs413() async throws {
        try await withServer { f, port in
            let body = Array(#"{"content":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20) + Array(#""}"#.utf8)
            let reply = try await send(port, "POST", "/api/v1/memories", key: f.writerKey, body: body)
            #expect(reply.status == 413)
            #expect(reply.text.contains("1048576"))
            #expect(try await send(port, "GET", "/api/v1/memories", key: f.readerKey).data.count > 0)
        }
    }

    @Test func aReadOnlyKeyWritingIs403InsufficientScopeNamingTheScope() async throws {
        try await withServer { f, port in
            let reply = try await send(port, "POST", "/api/v1/memories", key: f.readerKey, json: ["content": "not allowed"])
            reply.expectError(403, "insufficient_scope")
            let challenge = try #require(reply.header("WWW-Authenticate"))
            #expect(challenge.contains("error=\"insufficient_scope\""))
            #expect(challenge.contains("scope=\"memory.write\""))
            #expect(try await send(port, "GET", "/api/v1/memories", key: f.readerKey).json["pagination"]?["total"] == 0)
        }
    }

    @Test func aChangeThatWouldDuplicateAnotherMemoryIs409Conflict() async throws {
        try await withServer { f, port in
            _ = try await add("standup is at 9:30", f, port)
            let other = try await add("standup is at 10:00", f, port)
            let reply = try await send(port, "PUT", "/api/v1/memories/\(other)", key: f.writerKey, json: ["content": "Standup is at 9:30"])
            reply.expectError(409, "conflict")
            #expect(try await events(of: other, f, port).count == 1)
        }
    }

    @Test func aPutWithAStaleIfMatchIs412AndChangesNothing() async throws {
        try await withServer { f, port in
            let id = try await add("the lease ends in June", f, port)
            let fresh = try await send(port, "PUT", "/api/v1/memories/\(id)", key: f.writerKey, json: ["content": "the lease ends in July"],
                                       headers: [("If-Match", "\"1\"")])
            #expect(fresh.status == 200)
            #expect(fresh.header("ETag") == "\"2\"")
            let stale = try await send(port, "PUT", "/api/v1/memories/\(id)", key: f.writerKey, json: ["content": "the lease ends in May"],
                                       headers: [("If-Match", "\"1\"")])
            stale.expectError(412, "precondition_failed")
            let now = try await send(port, "GET", "/api/v1/memories/\(id)", key: f.readerKey)
            #expect(now.json["content"] == "the lease ends in July")
            #expect(now.header("ETag") == "\"2\"")
        }
    }

    /// If-Match holds for every change of one memory, not only PUT: a stale version changes nothing.
    @Test func deleteRevertAndRestoreHonourIfMatch() async throws {
        try await withServer { f, port in
            let id = try await add("the lease ends in June", f, port)
            let path = "/api/v1/memories/\(id)"
            _ = try await send(port, "PUT", path, key: f.writerKey, json: ["content": "the lease ends in July"])
            let staleRevert = try await send(port, "POST", path + "/revert", key: f.writerKey, json: ["version": 1], headers: [("If-Match", "\"1\"")])
            staleRevert.expectError(412, "precondition_failed")
            let revert = try await send(port, "POST", path + "/revert", key: f.writerKey, json: ["version": 1], headers: [("If-Match", "\"2\"")])
            #expect(revert.status == 200 && revert.header("ETag") == "\"3\"")
            let staleDelete = try await send(port, "DELETE", path, key: f.writerKey, headers: [("If-Match", "\"2\"")])
            staleDelete.expectError(412, "precondition_failed")
            #expect(try await send(port, "GET", path, key: f.readerKey).json["content"] == "the lease ends in June")
            let delete = try await send(port, "DELETE", path, key: f.writerKey, headers: [("If-Match", "\"3\"")])
            #expect(delete.status == 200 && delete.json["version"] == .int(4))
            let staleRestore = try await send(port, "POST", path + "/restore", key: f.writerKey, json: [:], headers: [("If-Match", "\"3\"")])
            staleRestore.expectError(412, "precondition_failed")
            let restore = try await send(port, "POST", path + "/restore", key: f.writerKey, json: [:], headers: [("If-Match", "\"4\"")])
            #expect(restore.status == 200 && restore.header("ETag") == "\"5\"")
        }
    }

    /// A body over the limit is refused by the HTTP server before the application sees it; the answer
    /// still carries a request id, and the access log's metrics count it.
    @Test func aBodyOverTheLimitIs413WithARequestIDAndIsCounted() async throws {
        try await withServer { f, port in
            let content = String(repeating: "a", count: (1 << 20) + 100)
            let refused = try await send(port, "POST", "/api/v1/memories", key: f.writerKey, json: ["content": .string(content)])
            refused.expectError(413, "content_too_large")
            #expect(refused.header("X-Request-Id")?.hasPrefix("req_") == true)
            let given = try await send(port, "POST", "/api/v1/memories", key: f.writerKey, json: ["content": .string(content)],
                                       headers: [("X-Request-Id", "client-chosen-7")])
            #expect(given.json["request_id"] == "client-chosen-7" && given.header("X-Request-Id") == "client-chosen-7")
            _ = try await send(port, "BREW", "/api/v1/memories", key: f.writerKey)
            let metrics = try await send(port, "GET", "/metrics").text
            #expect(metrics.contains(#"memledger_http_requests_total{route="refused",method="POST",status="413"} 2"#), "\(metrics)")
            // A method is any token on the wire; the metrics keep to the standard ones.
            #expect(!metrics.contains("BREW") && metrics.contains(#"method="other""#), "\(metrics)")
        }
    }

    @Test func aBodyThatIsNotJSONIs415() async throws {
        try await withServer { f, port in
            for type in ["text/plain", "application/x-www-form-urlencoded"] {
                let reply = try await send(port, "POST", "/api/v1/memories", key: f.writerKey, body: Array("content=x".utf8),
                                           headers: [("Content-Type", type)])
                reply.expectError(415, "unsupported_media_type")
            }
        }
    }

    @Test func aJSONBodyWithoutContentIs422() async throws {
        try await withServer { f, port in
            try await send(port, "POST", "/api/v1/memories", key: f.writerKey, json: ["text": "wrong field"]).expectError(422, "validation_error")
            try await send(port, "POST", "/api/v1/memories", key: f.writerKey, json: ["content": .int(7)]).expectError(422, "validation_error")
        }
    }

    @Test func repeatedFailedAuthenticationFromOneAddressIs429EvenForAGoodKey() async throws {
        try await withServer(configure: { $0.authFailuresPerMinute = 3 }) { f, port in
            for _ in 0..<3 {
                try await send(port, "GET", "/api/v1/memories", key: "mlk_guessed").expectError(401, "invalid_token")
            }
            let limited = try await send(port, "GET", "/api/v1/memories", key: f.ownerKey)
            limited.expectError(429, "too_many_requests")
            let wait = try #require(limited.header("Retry-After").flatMap(Int.init))
            #expect((1...60).contains(wait))
        }
    }

    @Test func aMethodTheRouteDoesNotTakeIs405WithAllow() async throws {
        try await withServer { f, port in
            let reply = try await send(port, "DELETE", "/api/v1/memories", key: f.ownerKey)
            reply.expectError(405, "method_not_allowed")
            #expect(Set(reply.header("Allow")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []) == ["GET", "POST"])
            let id = try await add("a memory to patch", f, port)
            #expect(try await send(port, "PATCH", "/api/v1/memories/\(id)", key: f.ownerKey, json: ["content": "x"]).status == 405)
        }
    }

    /// A retried PUT with the same Idempotency-Key answers as the first did and appends nothing;
    /// the same key on another request is 422 `idempotency_key_reused`.
    @Test func anIdempotentPutRetryAnswersTheSameAndAppendsNothing() async throws {
        try await withServer { f, port in
            let id = try await add("the flight is at 7", f, port)
            let key = [("Idempotency-Key", "put-flight-1")]
            let first = try await send(port, "PUT", "/api/v1/memories/\(id)", key: f.writerKey, json: ["content": "the flight is at 8"], headers: key)
            let retry = try await send(port, "PUT", "/api/v1/memories/\(id)", key: f.writerKey, json: ["content": "the flight is at 8"], headers: key)
            #expect(first.status == 200)
            #expect(retry.status == 200)
            #expect(retry.json == first.json)
            #expect(retry.header("ETag") == "\"2\"")
            #expect(try await events(of: id, f, port).count == 2, "one add, one update")

            let other = try await send(port, "PUT", "/api/v1/memories/\(id)", key: f.writerKey, json: ["content": "the flight is at 9"], headers: key)
            other.expectError(422, "idempotency_key_reused")
            #expect(try await send(port, "GET", "/api/v1/memories/\(id)", key: f.readerKey).json["content"] == "the flight is at 8")
            #expect(try await events(of: id, f, port).count == 2)
        }
    }

    /// A retried DELETE with the same key answers 200 as the first did (not 404) and appends nothing.
    @Test func anIdempotentDeleteRetryAnswersTheSameAndAppendsNothing() async throws {
        try await withServer { f, port in
            let id = try await add("the locker code changes monthly", f, port)
            let other = try await add("the gym opens at six", f, port)
            let key = [("Idempotency-Key", "delete-locker")]
            let first = try await send(port, "DELETE", "/api/v1/memories/\(id)", key: f.writerKey, headers: key)
            let retry = try await send(port, "DELETE", "/api/v1/memories/\(id)", key: f.writerKey, headers: key)
            #expect(first.status == 200)
            #expect(retry.status == 200)
            #expect(retry.json == first.json)
            #expect(try await events(of: id, f, port).map { $0["type"] } == ["memory.added", "memory.deleted"])
            try await send(port, "DELETE", "/api/v1/memories/\(other)", key: f.writerKey, headers: key).expectError(422, "idempotency_key_reused")
            #expect(try await send(port, "GET", "/api/v1/memories/\(other)", key: f.readerKey).status == 200)
        }
    }
}
