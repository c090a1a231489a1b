import Foundation
import JSON
import MCP
import Memory
import Server
import Testing

/// An MCP server with the memory tools over a real `MemoryService` on a fresh temporary database.
final class MemoryToolsHarness: Sendable {
    let directory: String
    let service: MemoryService
    let server: MCPServer

    /// Whether this harness made the directory (and so removes it).
    private let ownsDirectory: Bool

    init() throws {
        directory = NSTemporaryDirectory() + "memledger-tools-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        service = try MemoryService(path: directory + "/memledger.sqlite")
        server = MemoryTools.server(service: service, version: "0.0.0-test")
        ownsDirectory = true
    }

    /// A second service on the same database, as another process on the same data directory has.
    init(sharing other: MemoryToolsHarness) throws {
        directory = other.directory
        service = try MemoryService(path: directory + "/memledger.sqlite")
        server = MemoryTools.server(service: service, version: "0.0.0-test")
        ownsDirectory = false
    }

    deinit {
        service.close()
        if ownsDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func principal(agent: String = "test-key", scopes: Set<Scope> = Set(Scope.allCases), user: String = "default") -> Principal {
        Principal(userID: user, clientID: "key-\(agent)", agentName: agent, scopes: scopes, kind: .apiKey)
    }

    static func context(
        _ principal: Principal = principal(), transport: String = "mcp", version: String = "2025-11-25"
    ) -> MCPCallContext {
        MCPCallContext(
            principal: principal, scopes: Set(principal.scopes.map(\.rawValue)), agentName: principal.agentName,
            transport: transport, requestID: "req-test", protocolVersion: version)
    }

    /// Sends one JSON-RPC request and returns the decoded response object.
    func rpc(
        _ method: String, _ params: JSONObject = [:], context: MCPCallContext = context(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let message: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": .object(params)]
        let bytes = try #require(await server.respond(to: message, context: context).messageBytes, sourceLocation: sourceLocation)
        return try JSONValue.parse(bytes)
    }

    /// Calls a tool and returns the `result` of the response (never a JSON-RPC error).
    func call(
        _ tool: String, _ arguments: JSONObject = [:], context: MCPCallContext = context(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ToolCall {
        let response = try await rpc("tools/call", ["name": .string(tool), "arguments": .object(arguments)], context: context, sourceLocation: sourceLocation)
        let result = try #require(response["result"], "expected a result, got \(response)", sourceLocation: sourceLocation)
        return ToolCall(result: result)
    }

    /// Adds a memory over MCP and returns its id.
    func add(
        _ content: String, agent: String? = nil, extra: JSONObject = [:], context: MCPCallContext = context(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        var arguments: JSONObject = ["content": .string(content)]
        if let agent { arguments["agent_id"] = .string(agent) }
        for (key, value) in extra { arguments[key] = value }
        let call = try await call("add_memory", arguments, context: context, sourceLocation: sourceLocation)
        #expect(!call.isError, "add failed: \(call.text)", sourceLocation: sourceLocation)
        return try #require(call.structured?["id"]?.stringValue, sourceLocation: sourceLocation)
    }
}

/// The parts of a `tools/call` result the tests look at.
struct ToolCall {
    let result: JSONValue

    var isError: Bool { result["isError"]?.boolValue ?? false }
    var structured: JSONObject? { result["structuredContent"]?.objectValue }
    var text: String { result["content"]?[0]?["text"]?.stringValue ?? "" }
    var results: [JSONValue] { structured?["results"]?.arrayValue ?? [] }
}
