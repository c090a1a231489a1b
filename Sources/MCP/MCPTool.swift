import JSON

/// One tool the server offers through `tools/list` and runs through `tools/call`.
public struct MCPTool: Sendable {
    /// Runs the tool with validated arguments. Failures are results with `isError` set; a thrown
    /// ``MCPToolError`` becomes such a result with its message, any other error a generic one.
    public typealias Handler = @Sendable (_ arguments: JSONObject, _ context: MCPCallContext) async throws -> MCPToolResult

    public let name: String
    public let title: String?
    public let description: String
    /// A JSON Schema object (`"type": "object"`) the arguments are checked against before the handler runs.
    public let inputSchema: JSONValue
    /// The schema `structuredContent` conforms to on success, advertised from 2025-06-18.
    public let outputSchema: JSONValue?
    public let annotations: MCPToolAnnotations
    /// The scope a caller's credential must grant; empty means none is required.
    public let requiredScope: String
    public let handler: Handler

    /// - Precondition: `name` is 1–64 characters from `[A-Za-z0-9_.-]` (SEP-986 and the
    ///   conformance suite) and `inputSchema` is an object schema. Both are fixed at build time.
    public init(
        name: String,
        title: String? = nil,
        description: String,
        inputSchema: JSONValue = ["type": "object", "additionalProperties": false],
        outputSchema: JSONValue? = nil,
        annotations: MCPToolAnnotations,
        requiredScope: String,
        handler: @escaping Handler
    ) {
        precondition(MCPTool.isValidName(name), "invalid MCP tool name")
        precondition(inputSchema["type"] == "object", "an MCP tool's inputSchema must have type \"object\"")
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        self.requiredScope = requiredScope
        self.handler = handler
    }

    static func isValidName(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard (1...64).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    /// The `tools/list` entry for a client speaking `version`.
    func definition(for version: String) -> JSONValue {
        var object: JSONObject = ["name": .string(name)]
        let structured = MCPProtocolVersion.hasStructuredContent(version)
        if structured, let title { object["title"] = .string(title) }
        object["description"] = .string(description)
        object["inputSchema"] = inputSchema
        if structured, let outputSchema { object["outputSchema"] = outputSchema }
        if MCPProtocolVersion.hasToolAnnotations(version) {
            object["annotations"] = annotations.jsonValue(title: title)
        }
        return .object(object)
    }
}

/// Behaviour hints for clients (checklist §2.11); clients treat them as untrusted.
public struct MCPToolAnnotations: Sendable, Hashable {
    public var readOnly: Bool
    public var destructive: Bool
    public var idempotent: Bool
    /// A memory store is a closed world: the tool touches nothing outside this server.
    public var openWorld: Bool

    public init(readOnly: Bool, destructive: Bool, idempotent: Bool, openWorld: Bool = false) {
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
        self.openWorld = openWorld
    }

    /// Reads only: search, list, get, history.
    public static let readOnly = MCPToolAnnotations(readOnly: true, destructive: false, idempotent: true)
    /// Adds without overwriting.
    public static let additive = MCPToolAnnotations(readOnly: false, destructive: false, idempotent: false)
    /// Overwrites or removes.
    public static let destructive = MCPToolAnnotations(readOnly: false, destructive: true, idempotent: true)

    func jsonValue(title: String?) -> JSONValue {
        var object = JSONObject()
        if let title { object["title"] = .string(title) }
        object["readOnlyHint"] = .bool(readOnly)
        object["destructiveHint"] = .bool(destructive)
        object["idempotentHint"] = .bool(idempotent)
        object["openWorldHint"] = .bool(openWorld)
        return .object(object)
    }
}

/// What a tool call produced: a text block for every client and, from 2025-06-18, the same
/// data as `structuredContent`.
public struct MCPToolResult: Sendable, Hashable {
    public var structuredContent: JSONObject?
    public var text: String
    public var isError: Bool

    public init(structuredContent: JSONObject?, text: String, isError: Bool = false) {
        self.structuredContent = structuredContent
        self.text = text
        self.isError = isError
    }

    /// A result whose text block is the structured content as compact JSON (unescaped UTF-8,
    /// members in insertion order), as the spec recommends for backwards compatibility.
    public init(structured: JSONObject, isError: Bool = false) {
        self.init(structuredContent: structured, text: MCPToolResult.text(for: structured), isError: isError)
    }

    /// A plain-text result.
    public init(text: String, isError: Bool = false) {
        self.init(structuredContent: nil, text: text, isError: isError)
    }

    /// A success carrying `structured`.
    public static func success(_ structured: JSONObject) -> MCPToolResult {
        MCPToolResult(structured: structured)
    }

    /// A failure the model can act on: `message` says what went wrong and what to do instead.
    public static func failure(_ message: String, structured: JSONObject? = nil) -> MCPToolResult {
        if let structured {
            return MCPToolResult(structuredContent: structured, text: message, isError: true)
        }
        return MCPToolResult(text: message, isError: true)
    }

    /// The JSON text of structured content as written into a text block.
    public static func text(for structured: JSONObject) -> String {
        JSONValue.object(structured).serializedString(sortedKeys: false)
    }

    /// The `tools/call` result for a client speaking `version`.
    func jsonValue(for version: String) -> JSONValue {
        var object: JSONObject = ["content": [["type": "text", "text": .string(text)]]]
        if let structuredContent, MCPProtocolVersion.hasStructuredContent(version) {
            object["structuredContent"] = .object(structuredContent)
        }
        object["isError"] = .bool(isError)
        return .object(object)
    }
}

/// An error a tool handler may throw whose message is safe to show the model.
public struct MCPToolError: Error, Hashable, Sendable {
    public let message: String
    public let structuredContent: JSONObject?

    public init(_ message: String, structuredContent: JSONObject? = nil) {
        self.message = message
        self.structuredContent = structuredContent
    }
}
