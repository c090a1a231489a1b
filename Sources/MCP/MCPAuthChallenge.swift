/// Why the handler is refusing with a `WWW-Authenticate` challenge (RFC 6750 §3).
public enum MCPAuthChallenge: Sendable, Hashable {
    /// 401 without a credential: the header should carry `resource_metadata` and `scope` when OAuth is on.
    case missingCredentials
    /// 401 for a bad credential: `error="invalid_token"`.
    case invalidToken
    /// 403: the credential lacks `scope` (`error="insufficient_scope"`).
    case insufficientScope(String)

    /// The plain challenges used when the composition layer supplies none.
    public var defaultHeaderValue: String {
        switch self {
        case .missingCredentials:
            return "Bearer realm=\"memledger\""
        case .invalidToken:
            return "Bearer realm=\"memledger\", error=\"invalid_token\""
        case .insufficientScope(let scope):
            return "Bearer realm=\"memledger\", error=\"insufficient_scope\", scope=\"\(scope)\""
        }
    }
}
