/// What the server made of one POSTed message (or batch), in terms a transport can map to its
/// own status codes without parsing the answer again.
public enum MCPReply: Sendable, Hashable {
    /// Only notifications or responses were received: nothing to send back (HTTP 202).
    case accepted
    /// A JSON-RPC response or batch of responses, including errors for valid requests (HTTP 200).
    case response([UInt8])
    /// The message was not acceptable JSON-RPC here (parse error, invalid request, a batch where
    /// batches are not allowed, a 2026-era probe). The bytes are a JSON-RPC error (HTTP 400).
    case badRequest([UInt8])
    /// A tool needs a scope the credential lacks (HTTP 403 `insufficient_scope`). `response` is an
    /// `isError` tool result saying so, for transports without a status code (stdio).
    case forbidden(scope: String, response: [UInt8])

    /// The bytes to send when the transport has no status codes: `nil` means send nothing.
    public var messageBytes: [UInt8]? {
        switch self {
        case .accepted: return nil
        case .response(let bytes), .badRequest(let bytes): return bytes
        case .forbidden(_, let bytes): return bytes
        }
    }
}
