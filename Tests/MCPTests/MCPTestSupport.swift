import JSON
import Testing
@testable import MCP

/// Who the fake authenticator says is calling.
struct TestPrincipal: Sendable, Equatable {
    let keyName: String
}

/// Small protocol-level tools: enough to exercise validation, scopes and failures.
enum TestTools {
    static let echo = MCPTool(
        name: "echo",
        title: "Echo",
        description: "Returns the text it was given.",
        inputSchema: [
            "type": "object",
            "properties": [
                "text": ["type": "string", "minLength": 1],
                "times": ["type": "integer", "minimum": 1, "maximum": 3],
                "mode": ["type": "string", "enum": ["plain", "loud"]],
                "tags": ["type": "array", "items": ["type": "string"]],
            ],
            "required": ["text"],
            "additionalProperties": false,
        ],
        outputSchema: ["type": "object", "properties": ["echo": ["type": "string"]], "required": ["echo"]],
        annotations: .readOnly,
        requiredScope: "read"
    ) { arguments, context in
        var text = arguments["text"]?.stringValue ?? ""
        if arguments["mode"] == "loud" { text = text.uppercased() }
        let times = Int(arguments["times"]?.intValue ?? 1)
        var result: JSONObject = ["echo": .string(Array(repeating: text, count: times).joined(separator: " "))]
        result["agent"] = .string(context.agentName ?? "")
        result["transport"] = .string(context.transport)
        result["rpc_id"] = context.rpcID ?? .null
        result["version"] = .string(context.protocolVersion)
        result["principal"] = .string((context.principal as? TestPrincipal)?.keyName ?? "")
        return .success(result)
    }

    static let store = MCPTool(
        name: "store",
        description: "Pretends to store a fact.",
        inputSchema: ["type": "object", "properties": ["fact": ["type": "string"]], "required": ["fact"]],
        annotations: .additive,
        requiredScope: "write"
    ) { _, _ in
        .success(["stored": true])
    }

    static let missing = MCPTool(
        name: "find",
        description: "Fails like a lookup of an absent record.",
        annotations: .readOnly,
        requiredScope: "read"
    ) { _, _ in
        throw MCPToolError("No memory with that id.", structuredContent: ["error": "not_found"])
    }

    static let crashing = MCPTool(
        name: "crash",
        description: "Throws an error whose text must not reach the client.",
        annotations: .readOnly,
        requiredScope: ""
    ) { _, _ in
        struct Secret: Error {}
        throw Secret()
    }

    static let all = [echo, store, missing, crashing]
}

func makeServer() -> MCPServer {
    MCPServer(info: MCPServerInfo(version: "1.2.3"), tools: TestTools.all)
}

func context(version: String = MCPProtocolVersion.assumedWithoutHeader, scopes: Set<String> = ["read", "write"]) -> MCPCallContext {
    MCPCallContext(principal: TestPrincipal(keyName: "owner"), scopes: scopes, agentName: "tester", transport: "mcp", requestID: "req-1", protocolVersion: version)
}

func parsed(_ bytes: [UInt8]?, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
    let bytes = try #require(bytes, sourceLocation: sourceLocation)
    return try JSONValue.parse(bytes)
}

func request(id: JSONValue = 1, _ method: String, _ params: JSONValue? = nil) -> JSONValue {
    var object: JSONObject = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
    if let params { object["params"] = params }
    return .object(object)
}

func call(id: JSONValue = 1, _ tool: String, _ arguments: JSONValue) -> JSONValue {
    request(id: id, "tools/call", ["name": .string(tool), "arguments": arguments])
}

extension MCPReply {
    var body: JSONValue? {
        messageBytes.flatMap { try? JSONValue.parse($0) }
    }
}
