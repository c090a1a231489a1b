import JSON

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
