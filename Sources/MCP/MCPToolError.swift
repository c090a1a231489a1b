import JSON

/// An error a tool handler may throw whose message is safe to show the model.
public struct MCPToolError: Error, Hashable, Sendable {
    public let message: String
    public let structuredContent: JSONObject?

    public init(_ message: String, structuredContent: JSONObject? = nil) {
        self.message = message
        self.structuredContent = structuredContent
    }
}
