/// The parsed request line and header fields, with the body framing they imply.
struct HTTPRequestHead: Sendable {
    enum Framing: Equatable, Sendable {
        case none
        case length(Int)
        case chunked
    }

    var method: String
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: Framing
    /// The client sent `Expect: 100-continue` on HTTP/1.1 and waits before sending the body.
    var expectsContinue: Bool
    /// Whether the client allows the connection to stay open after the response (RFC 9112 §9.3).
    var keepAlive: Bool

    var isHead: Bool { method == "HEAD" }
}
