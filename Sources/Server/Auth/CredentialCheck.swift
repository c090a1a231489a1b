import HTTP
import MCP

/// Resolves a request's `Authorization` header to a principal, rate-limiting failures per address.
public struct CredentialCheck: Sendable {
    public let authenticator: any Authenticator
    public let limiter: AuthFailureLimiter
    let metrics: Metrics
    /// The `WWW-Authenticate` value of each refusal: REST and `/mcp` word it differently once OAuth is on.
    let challenger: @Sendable (MCPAuthChallenge) -> String

    /// - Parameter oauthBase: the public base URL when OAuth is on: 401 answers then point at the resource metadata.
    public init(authenticator: any Authenticator, limiter: AuthFailureLimiter, metrics: Metrics, oauthBase: String?) {
        self.init(authenticator: authenticator, limiter: limiter, metrics: metrics) { Self.challenge($0, oauthBase: oauthBase) }
    }

    /// - Parameter challenge: the `WWW-Authenticate` value for each refusal.
    public init(
        authenticator: any Authenticator, limiter: AuthFailureLimiter, metrics: Metrics,
        challenge: @escaping @Sendable (MCPAuthChallenge) -> String
    ) {
        self.authenticator = authenticator
        self.limiter = limiter
        self.metrics = metrics
        self.challenger = challenge
    }

    /// The principal of a bearer credential.
    /// - Throws: 429 while `client` is over its failure budget, 401 for a missing or unknown credential.
    public func authenticate(authorization: String?, client: String) async throws(APIError) -> Principal {
        if let wait = limiter.retryAfter(client) {
            throw APIError(429, "too_many_requests", "too many failed authentications from this address; retry in \(wait) s",
                           headers: ["Retry-After": String(wait)])
        }
        guard let bearer = Self.bearer(authorization) else {
            metrics.recordAuthFailure()
            throw APIError(401, "unauthorized", "authentication required: send Authorization: Bearer <api key>",
                           headers: ["WWW-Authenticate": challenge(.missingCredentials)])
        }
        guard let principal = await authenticator.authenticate(bearer: bearer) else {
            limiter.recordFailure(client)
            metrics.recordAuthFailure()
            throw APIError(401, "invalid_token", "the API key or token is invalid or revoked",
                           headers: ["WWW-Authenticate": challenge(.invalidToken)])
        }
        return principal
    }

    /// 403 for a principal without `scope`.
    public func require(_ scope: Scope, of principal: Principal) throws(APIError) {
        guard principal.has(scope) else {
            throw APIError(403, "insufficient_scope", "this call needs the \(scope.rawValue) scope",
                           headers: ["WWW-Authenticate": challenge(.insufficientScope(scope.rawValue))])
        }
    }

    /// The credential after `Bearer ` (scheme case-insensitive, RFC 6750 §2.1), or nil.
    public static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingSpaces()
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = String(trimmed.dropFirst(7)).trimmingSpaces()
        return token.isEmpty ? nil : token
    }

    /// The `WWW-Authenticate` value: plain when OAuth is off, with `resource_metadata` when on (DESIGN.md §6).
    public func challenge(_ challenge: MCPAuthChallenge) -> String { challenger(challenge) }

    public static func challenge(_ challenge: MCPAuthChallenge, oauthBase: String?) -> String {
        guard let oauthBase else { return challenge.defaultHeaderValue }
        // The path-suffixed metadata of the `/mcp` resource, and always a scope (checklist §3a).
        let metadata = "resource_metadata=\"\(oauthBase)/.well-known/oauth-protected-resource/mcp\""
        switch challenge {
        case .missingCredentials: return "Bearer realm=\"memledger\", scope=\"memory.read memory.write\", \(metadata)"
        case .invalidToken: return "Bearer realm=\"memledger\", error=\"invalid_token\", scope=\"memory.read memory.write\", \(metadata)"
        case .insufficientScope(let scope):
            return "Bearer realm=\"memledger\", error=\"insufficient_scope\", scope=\"\(scope)\", \(metadata)"
        }
    }
}
