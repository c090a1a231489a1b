/// Everything `memledger serve` is told, frozen into one value before anything starts.
///
/// Built by `ServerConfiguration.resolve(options:environment:)` from flags and `MEMLEDGER_*`
/// variables (plus the mem0 server's names, so an existing `.env` keeps working, DESIGN.md §5).
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8765
    public var dataDirectory = "./data"
    /// The largest request body accepted (413 beyond it).
    public var bodyLimitBytes = 1024 * 1024
    /// The largest memory content accepted (422 `content_too_large` beyond it).
    public var contentLimitBytes = 32 * 1024
    /// Which embedder to build (`makeEmbedder`); the built-in one by default.
    public var embedder = EmbedderSettings()
    /// The owner key given by the operator (`MEMLEDGER_API_KEY` / `MEM0_API_KEY`); stored only as a digest.
    public var ownerKey: String?
    /// The user the owner key acts for, and the user of keys created without `--user`.
    public var defaultUserID = "default"
    /// The public base URL without trailing slash; setting it turns OAuth on (DESIGN.md §6).
    public var publicBaseURL: String?
    /// Redirect URIs allowed beyond the built-in list (exact, or prefixes ending in `*`).
    public var oauthAllowedRedirectURIs: [String] = []
    /// Access-token lifetime in seconds; nil keeps the OAuth module's default (one hour).
    public var oauthAccessTokenTTL: Int64?
    /// Test-only: consent is granted without the form (refused unless bind and base URL are loopback).
    public var oauthAutoApprove = false
    /// `Host` values `/mcp` accepts on a loopback bind besides loopback names and the public host
    /// (a reverse proxy's name when no public URL is set); `*` turns the check off.
    public var mcpAllowedHosts: [String] = []
    /// Browser origins `/mcp` accepts besides the MCP Inspector's and the public origin.
    public var mcpAllowedOrigins: [String] = []
    /// Use the first `X-Forwarded-For` address as the client's (only behind a trusted proxy).
    public var trustForwardedFor = false
    public var logLevel = LogLevel.info
    /// Failed authentications allowed per client address per minute before 429.
    public var authFailuresPerMinute = 10
    /// Requests handled at once before 503.
    public var maxInFlight = 512

    public init() {}

    /// True when OAuth is on: a public base URL is configured.
    public var oauthEnabled: Bool { publicBaseURL != nil }
}

/// How much the server logs; access lines are `info`.
public enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case debug, info, warning, error

    private var rank: Int { LogLevel.allCases.firstIndex(of: self)! }
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rank < b.rank }
}
