/// An HTTP request as the Streamable HTTP handler needs it, so this module stays independent of
/// the HTTP server (the composition layer converts between the two).
public struct MCPHTTPRequest: Sendable {
    public var method: String
    public var path: String
    /// Header fields in arrival order; names compare case-insensitively.
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// The transport's request id for logs and provenance; copied into ``MCPCallContext``.
    public var requestID: String

    public init(method: String, path: String, headers: [(String, String)], body: [UInt8] = [], requestID: String = "") {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.requestID = requestID
    }

    /// The first value of `name`, or all values joined with ", " when it repeats (RFC 9110 §5.3).
    public func header(_ name: String) -> String? {
        var found: [String] = []
        for (key, value) in headers where asciiCaseInsensitiveEqual(key, name) { found.append(value) }
        switch found.count {
        case 0: return nil
        case 1: return found[0]
        default: return found.joined(separator: ", ")
        }
    }
}
