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
        // Annotations arrived in 2025-03-26, the oldest revision supported.
        object["annotations"] = annotations.jsonValue(title: title)
        return .object(object)
    }
}
