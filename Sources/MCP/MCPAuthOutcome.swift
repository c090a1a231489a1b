/// What the transport's authentication made of the `Authorization` header.
///
/// The MCP module never looks inside a credential; the composition layer decides (API key,
/// OAuth access token) and reports one of these.
public enum MCPAuthOutcome: Sendable {
    /// A valid credential: `principal` is passed through to tool handlers untouched.
    case authenticated(principal: any Sendable, scopes: Set<String>, agentName: String)
    /// No credential was sent.
    case missing
    /// A credential was sent but is unknown, expired, revoked or not for this resource.
    case invalid
    /// Too many failed attempts from this client's address: not heard for `retryAfter` seconds,
    /// whatever it sent. A 429, so that a client with a good token keeps it (a 401 would send an
    /// OAuth client off to authorize again).
    case throttled(retryAfter: Int)
}
