import Foundation
import HTTP
import JSON
import Ledger
import Memory
import Synchronization
import Testing

@testable import Server

/// A server application on its own temporary data directory, with keys of each kind.
/// A class, because its deinit closes the service and removes the directory.
final class ServerFixture: Sendable {
    let directory: URL
    let service: MemoryService
    let app: ServerApplication
    /// All scopes, user "alice".
    let ownerKey: String
    /// memory.read only, user "alice".
    let readerKey: String
    /// memory.read + memory.write, user "alice", named "writer".
    let writerKey: String
    /// memory.read + memory.write, user "bob".
    let bobKey: String
    let logLines = LogLines()

    /// Collects access-log lines so tests can check what is (not) logged.
    final class LogLines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("memledger-server-\(UUID().uuidString)")
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory.path
        configuration.defaultUserID = "alice"
        configure(&configuration)
        service = try ServerEnvironment.openService(configuration)
        let lines = logLines
        app = ServerApplication(configuration: configuration, service: service, log: AccessLog(level: .debug, sink: { lines.append($0) }))
        let provenance = Provenance(actor: "test", transport: .cli)
        ownerKey = try await app.keys.create(name: "owner", userID: "alice", scopes: Set(Scope.allCases), provenance: provenance).secret
        readerKey = try await app.keys.create(name: "reader", userID: "alice", scopes: [.read], provenance: provenance).secret
        writerKey = try await app.keys.create(name: "writer", userID: "alice", scopes: [.read, .write], provenance: provenance).secret
        bobKey = try await app.keys.create(name: "bob-agent", userID: "bob", scopes: [.read, .write], provenance: provenance).secret
    }

    deinit {
        service.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The answer to one request, with its body parsed as JSON when it is JSON.
    struct Answer {
        let response: HTTPResponse
        var status: Int { response.status }
        var json: JSONValue { (try? JSONValue.parse(response.body)) ?? .null }
        var text: String { String(decoding: response.body, as: UTF8.self) }
        func header(_ name: String) -> String? { response.headers[name] }
        var errorCode: String? { json["error"]?.stringValue }

        /// Checks a REST error answer: `status`, and a body of exactly `{error, detail, request_id}`
        /// whose `error` is `code` and whose `request_id` is the `X-Request-Id` header.
        func expectError(_ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
            #expect(Set(json.objectValue?.keys ?? []) == ["error", "detail", "request_id"], "\(text)", sourceLocation: sourceLocation)
            #expect(errorCode == code, sourceLocation: sourceLocation)
            #expect(json["detail"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
            #expect(json["request_id"]?.stringValue == header("X-Request-Id"), sourceLocation: sourceLocation)
        }
    }

    /// Sends a request in process. `body` is serialised as JSON unless it is raw bytes.
    func call(
        _ method: String, _ target: String, key: String? = nil, json body: JSONValue? = nil, raw: [UInt8]? = nil,
        headers extra: [(String, String)] = [], remoteAddress: String = "127.0.0.1"
    ) async -> Answer {
        var headers = HTTPHeaders()
        if let key { headers.add("Authorization", "Bearer \(key)") }
        var bytes: [UInt8] = []
        if let body {
            headers.add("Content-Type", "application/json")
            bytes = body.serialized()
        } else if let raw {
            bytes = raw
        }
        // Every HTTP/1.1 client names the host; /mcp refuses foreign ones on a loopback bind.
        headers.set("Host", "127.0.0.1:8765")
        for (name, value) in extra { headers.set(name, value) }
        let request = HTTPRequest(method: method, target: target, headers: headers, body: bytes, remoteAddress: remoteAddress)
        return Answer(response: await app.handle(request))
    }

    /// Adds a memory as the owner (or `key`) and returns its JSON.
    func add(_ content: String, agent: String? = nil, metadata: JSONObject = [:], key: String? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        var body: JSONObject = ["content": .string(content), "metadata": .object(metadata)]
        if let agent { body["agent_id"] = .string(agent) }
        let answer = await call("POST", "/api/v1/memories", key: key ?? ownerKey, json: .object(body))
        try #require(answer.status == 201 || answer.status == 200, "add answered \(answer.status): \(answer.text)", sourceLocation: sourceLocation)
        return answer.json
    }
}
