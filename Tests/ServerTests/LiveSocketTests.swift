import Foundation
import HTTP
import JSON
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import Server

/// A few tests through a real socket: the application behind `HTTPServer` on an ephemeral port.
@Suite struct LiveSocketTests {
    func withServer(_ body: (ServerFixture, Int) async throws -> Void) async throws {
        let f = try await ServerFixture()
        let app = f.app
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0, maxBodyBytes: 1 << 20)) { await app.handle($0) }
        let port = try server.start()
        do { try await body(f, port) } catch {
            server.shutdown(graceful: false)
            throw error
        }
        server.shutdown(graceful: true)
        await server.waitUntilStopped()
    }

    func send(_ port: Int, _ method: String, _ path: String, key: String? = nil, body: [UInt8]? = nil) async throws -> (Int, HTTPURLResponse, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http, data)
    }

    @Test func addThenGetOverTheWire() async throws {
        try await withServer { f, port in
            let (status, _, data) = try await send(port, "POST", "/api/v1/memories", key: f.writerKey, body: Array(#"{"content":"我对坚果过敏 🥜 Zoë"}"#.utf8))
            #expect(status == 201)
            let id = try #require(try JSONValue.parse(Array(data))["id"]?.stringValue)
            let (getStatus, response, got) = try await send(port, "GET", "/api/v1/memories/\(id)", key: f.readerKey)
            #expect(getStatus == 200)
            #expect(try JSONValue.parse(Array(got))["content"] == "我对坚果过敏 🥜 Zoë")
            #expect(response.value(forHTTPHeaderField: "X-Request-Id")?.isEmpty == false)
        }
    }

    @Test func unauthenticatedAndUnknownOverTheWire() async throws {
        try await withServer { f, port in
            let (status, response, _) = try await send(port, "GET", "/api/v1/memories")
            #expect(status == 401)
            #expect(response.value(forHTTPHeaderField: "WWW-Authenticate") == "Bearer realm=\"memledger\"")
            #expect(try await send(port, "GET", "/api/v1/memories/not-an-id", key: f.readerKey).0 == 404)
            #expect(try await send(port, "GET", "/healthz").0 == 200)
        }
    }

    /// Case 7 over the wire: a 2 MiB body is refused by the HTTP layer with 413 naming the limit.
    @Test func oversizedBodyIs413() async throws {
        try await withServer { f, port in
            let body = Array(#"{"content":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20) + Array(#""}"#.utf8)
            let (status, _, data) = try await send(port, "POST", "/api/v1/memories", key: f.writerKey, body: body)
            #expect(status == 413)
            #expect(String(decoding: data, as: UTF8.self).contains("1048576"))
            #expect(try await send(port, "GET", "/api/v1/memories", key: f.readerKey).2.count > 0)
        }
    }
}
