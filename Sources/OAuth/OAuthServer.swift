import Crypto
import HTTP
import Ledger

/// The OAuth 2.1 authorization server for remote MCP clients (DESIGN.md §4, §6; checklist §3).
///
/// Self-contained: the composition layer calls `handle` first for every request (it answers only
/// its own routes), asks `validateAccessToken` for bearer tokens on `/mcp`, and uses
/// `wwwAuthenticate` for the challenges of 401 and 403 answers. State lives in the ledger's
/// database; security changes are `auth.*` events in the ledger.
public final class OAuthServer: Sendable {
    public let configuration: OAuthConfiguration
    let ledger: Ledger
    let ownerKeyVerifier: @Sendable (String) async -> OwnerCheck
    let redirectPolicy: RedirectPolicy
    let registrationLimiter: RateLimiter
    let consentFailureLimiter: RateLimiter
    let authorizationLimiter: RateLimiter

    /// - Parameters:
    ///   - configuration: the frozen settings; `publicBaseURL` turns OAuth on.
    ///   - ledger: the ledger whose database holds the OAuth tables (migration 0004) and receives
    ///     the `auth.*` events; pass the memory service's ledger.
    ///   - ownerKeyVerifier: checks an API key typed into the consent page. It must compare
    ///     digests in constant time and answer `.owner` only for a key with `admin` scope.
    /// - Throws: `OAuthConfigurationError` for an unusable redirect rule, or auto-approve without a
    ///   loopback bind address and a loopback base URL.
    public init(
        configuration: OAuthConfiguration, ledger: Ledger,
        ownerKeyVerifier: @escaping @Sendable (String) async -> OwnerCheck
    ) throws(OAuthConfigurationError) {
        if configuration.autoApprove != nil {
            let bindIsLoopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(configuration.bindHost.lowercased())
            guard bindIsLoopback, configuration.baseIsLoopback else {
                throw OAuthConfigurationError(
                    "OAuth auto-approve is for tests only: it needs both the bind address and the public base URL on loopback")
            }
        }
        self.configuration = configuration
        self.ledger = ledger
        self.ownerKeyVerifier = ownerKeyVerifier
        self.redirectPolicy = try RedirectPolicy(extraRules: configuration.allowedRedirectURIs)
        self.registrationLimiter = RateLimiter(
            limit: configuration.registrationsPerWindow, windowSeconds: configuration.registrationWindowSeconds)
        self.authorizationLimiter = RateLimiter(
            limit: configuration.authorizationsPerWindow, windowSeconds: configuration.authorizationWindowSeconds)
        self.consentFailureLimiter = RateLimiter(
            limit: configuration.consentFailuresPerWindow, windowSeconds: configuration.consentFailureWindowSeconds)
    }

    /// The protected resource, `<base>/mcp`.
    public var resource: String { configuration.resource }
    /// The issuer, `<base>`.
    public var issuer: String { configuration.publicBaseURL }
    /// Where clients find the protected resource metadata (RFC 9728), for `resource_metadata`.
    public var resourceMetadataURL: String { issuer + "/.well-known/oauth-protected-resource/mcp" }

    /// The `WWW-Authenticate` value for a 401 or 403 on `/mcp` (checklist §3a): always with
    /// `resource_metadata` and `scope`, plus `error` when a token was bad or lacked a scope.
    public func wwwAuthenticate(error: BearerChallengeError? = nil, scope: String = "memory.read memory.write") -> String {
        var value = "Bearer resource_metadata=\"\(resourceMetadataURL)\", scope=\"\(scope)\""
        if let error { value += ", error=\"\(error.rawValue)\"" }
        return value
    }

    var now: Int64 { configuration.clock().milliseconds }

    /// Serves the OAuth routes: the well-known metadata documents, `/authorize`, `/token`,
    /// `/register`, `/revoke` and their `/oauth/*` aliases.
    /// - Returns: nil when `request` is for another route.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse? {
        let path = request.path
        if path.hasPrefix("/.well-known/") || path.hasPrefix("/mcp/.well-known/") {
            return metadata(for: request)
        }
        let endpoint: String
        switch path {
        case "/authorize", "/oauth/authorize": endpoint = "authorize"
        case "/token", "/oauth/token": endpoint = "token"
        case "/register", "/oauth/register": endpoint = "register"
        case "/revoke", "/oauth/revoke": endpoint = "revoke"
        default: return nil
        }
        if request.method == "OPTIONS" && endpoint != "authorize" { return OAuthResponses.preflight }
        switch (endpoint, request.method) {
        case ("authorize", "GET"), ("authorize", "HEAD"): return await authorize(request)
        case ("authorize", "POST"): return await submitConsent(request)
        case ("authorize", _): return OAuthResponses.methodNotAllowed("GET, POST")
        case ("token", "POST"): return await token(request)
        case ("register", "POST"): return await register(request)
        case ("revoke", "POST"): return await revoke(request)
        default: return OAuthResponses.methodNotAllowed("POST")
        }
    }

    /// Checks a bearer token presented at `resource` (normally `self.resource`).
    public func validateAccessToken(_ token: String, resource: String) async -> TokenValidation {
        guard token.hasPrefix("mla_"), token.utf8.count < 256 else { return .invalid }
        let found: OAuthStore.StoredAccess?
        do {
            found = try ledger.read { db in try OAuthStore.access(OAuthStore.digest(token), in: db) }
        } catch {
            return .invalid
        }
        guard let access = found, !access.revoked else { return .invalid }
        guard access.expiresAt > now else { return .expired }
        guard let wanted = ResourceIndicator.normalize(resource), access.resource == wanted else { return .wrongResource }
        return .valid(
            userID: access.userID, clientID: access.clientID, clientName: access.clientName,
            scopes: Set(access.scope.split(separator: " ").map(String.init)))
    }

    /// Revokes a client and every token issued to it, recording `auth.client_revoked`.
    /// - Returns: false when no live client has that id.
    public func revokeClient(_ clientID: String, provenance: Provenance) async throws -> Bool {
        let now = self.now
        return try await ledger.write { tx in
            try OAuthAdministration.revoke(clientID, now: now, provenance: provenance, in: tx)
        }
    }

    /// Provenance of an event caused by an HTTP request to the authorization server.
    func provenance(_ request: HTTPRequest, clientID: String?, actor: String?) -> Provenance {
        Provenance(
            agentID: nil, clientID: clientID, actor: actor, transport: .rest,
            requestID: request.headers["X-Request-Id"].map { String($0.prefix(128)) })
    }
}
