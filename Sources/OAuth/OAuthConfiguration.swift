import Ledger

/// How the authorization server behaves, frozen when it starts.
///
/// OAuth is on only when a public base URL is configured (DESIGN.md §6 "OAuth on or off"); the
/// composition layer builds one of these from `PUBLIC_BASE_URL` / `MEMLEDGER_PUBLIC_URL` or
/// constructs no `OAuthServer` at all.
public struct OAuthConfiguration: Sendable {
    /// The externally visible origin (and optional path prefix), without a trailing slash. It is
    /// the issuer, and `<base>/mcp` is the one protected resource.
    public let publicBaseURL: String
    /// The address the HTTP server listens on; auto-approve is refused unless it is loopback.
    public var bindHost: String
    /// Extra redirect URI rules (`OAUTH_ALLOWED_REDIRECT_URIS`): exact URIs, prefixes ending in
    /// `*`, or the single value `https://*`.
    public var allowedRedirectURIs: [String] = []
    /// Lifetime of access tokens, in seconds (1 hour by default).
    public var accessTokenTTL: Int64 = 3600
    /// Lifetime of refresh tokens, in seconds.
    public var refreshTokenTTL: Int64 = 30 * 86_400
    /// Lifetime of authorization codes and pending consent requests, in seconds (at most 10 minutes).
    public var codeTTL: Int64 = 600
    /// How long a refresh token already rotated out may still be exchanged, for clients that
    /// refresh concurrently; a later reuse revokes the whole family.
    public var refreshGraceSeconds: Int64 = 30
    /// A registered client that completes no consent within this time is forgotten.
    public var unconsentedClientTTL: Int64 = 86_400
    /// Dynamic registrations accepted per client address within `registrationWindowSeconds`.
    public var registrationsPerWindow = 20
    public var registrationWindowSeconds: Int64 = 3600
    /// Consent pages (each a stored pending request) opened per client address within `authorizationWindowSeconds`.
    public var authorizationsPerWindow = 60
    public var authorizationWindowSeconds: Int64 = 600
    /// Failed owner-key attempts on the consent page per client address within `consentFailureWindowSeconds`.
    public var consentFailuresPerWindow = 5
    public var consentFailureWindowSeconds: Int64 = 900
    /// Test-only: approve every valid authorization request at once for this owner, with a 302 and
    /// no page. Refused by `OAuthServer.init` unless both `bindHost` and the base URL are loopback.
    public var autoApprove: OwnerIdentity?
    /// The wall clock; tests inject their own to exercise expiry.
    public var clock: @Sendable () -> Timestamp = { Timestamp.now() }

    /// - Throws: `OAuthConfigurationError` when `publicBaseURL` is not an absolute http(s) URL
    ///   without query or fragment.
    public init(publicBaseURL: String, bindHost: String = "127.0.0.1") throws(OAuthConfigurationError) {
        var base = publicBaseURL.trimmingSpaces()
        while base.hasSuffix("/") { base.removeLast() }
        guard let uri = RedirectURI(base), uri.scheme == "http" || uri.scheme == "https", uri.query == nil,
            uri.fragment == nil, !uri.host.isEmpty
        else {
            throw OAuthConfigurationError("the public base URL must be an absolute http(s) URL such as https://memory.example.com")
        }
        self.publicBaseURL = uri.scheme + "://" + uri.authority + uri.path
        self.bindHost = bindHost
    }

    /// The configuration the environment asks for, or nil when no public base URL is set (OAuth off).
    ///
    /// Reads `MEMLEDGER_PUBLIC_URL` (or `MEMLEDGER_PUBLIC_BASE_URL`, `PUBLIC_BASE_URL`), `OAUTH_ALLOWED_REDIRECT_URIS` (comma or
    /// space separated) and `MEMLEDGER_OAUTH_ACCESS_TOKEN_TTL` (seconds).
    public static func fromEnvironment(
        _ environment: [String: String], bindHost: String
    ) throws(OAuthConfigurationError) -> OAuthConfiguration? {
        let names = ["MEMLEDGER_PUBLIC_URL", "MEMLEDGER_PUBLIC_BASE_URL", "PUBLIC_BASE_URL"]
        guard let base = names.lazy.compactMap({ environment[$0]?.trimmingSpaces() }).first(where: { !$0.isEmpty }) else {
            return nil
        }
        var configuration = try OAuthConfiguration(publicBaseURL: base, bindHost: bindHost)
        if let rules = environment["OAUTH_ALLOWED_REDIRECT_URIS"] {
            configuration.allowedRedirectURIs = rules.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" })
                .map(String.init)
        }
        if let ttl = environment["MEMLEDGER_OAUTH_ACCESS_TOKEN_TTL"] {
            guard let seconds = Int64(ttl), seconds > 0 else {
                throw OAuthConfigurationError("MEMLEDGER_OAUTH_ACCESS_TOKEN_TTL must be a positive number of seconds")
            }
            configuration.accessTokenTTL = seconds
        }
        return configuration
    }

    /// The protected resource: exactly `<base>/mcp`.
    public var resource: String { publicBaseURL + "/mcp" }

    /// Whether the base URL names a loopback host.
    var baseIsLoopback: Bool { RedirectURI(publicBaseURL)?.isLoopback ?? false }
}
