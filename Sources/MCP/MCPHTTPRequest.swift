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

/// The handler's answer; the composition layer writes it out with its HTTP server.
public struct MCPHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { asciiCaseInsensitiveEqual($0.0, name) }?.1
    }
}

func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lowerASCII($0) == lowerASCII($1) }
}

func lowerASCII(_ byte: UInt8) -> UInt8 {
    (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte + 32 : byte
}

func lowercasedASCII(_ text: String) -> String {
    String(decoding: text.utf8.map(lowerASCII), as: UTF8.self)
}
