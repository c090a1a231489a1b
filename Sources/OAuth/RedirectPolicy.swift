/// Which redirect URIs a client may register (DESIGN.md §6 "Redirect URIs").
///
/// Allowed by default: the Claude and ChatGPT connector callbacks, the VS Code web redirects, and
/// loopback `http` on any port. `OAUTH_ALLOWED_REDIRECT_URIS` adds exact URIs, prefixes (a trailing
/// `*`: same scheme, host and port, path prefix) or, as the single value `https://*`, any https URI.
/// Hosts are compared as parsed hosts, never as string prefixes, so `chatgpt.com.evil.example`
/// never passes a rule for `chatgpt.com` (bug case 17).
struct RedirectPolicy: Sendable {
    enum Rule: Sendable, Equatable {
        case exact(String)
        case prefix(RedirectURI)
        case anyHTTPS
    }

    let rules: [Rule]

    static let defaultRules: [String] = [
        "https://claude.ai/api/mcp/auth_callback",
        "https://claude.com/api/mcp/auth_callback",
        "https://chatgpt.com/connector_platform_oauth_redirect",
        "https://chatgpt.com/connector/oauth/*",
        "https://vscode.dev/redirect",
        "https://insiders.vscode.dev/redirect",
    ]

    /// Schemes that would run or read something in the browser instead of navigating.
    static let forbiddenSchemes: Set<String> = ["javascript", "data", "file", "vbscript", "blob", "about"]

    /// - Throws: `OAuthConfigurationError` naming a rule that cannot be understood.
    init(extraRules: [String]) throws(OAuthConfigurationError) {
        var rules: [Rule] = []
        for text in Self.defaultRules + extraRules {
            let rule = text.trimmingSpaces()
            if rule.isEmpty { continue }
            if rule == "https://*" {
                rules.append(.anyHTTPS)
            } else if rule.hasSuffix("*") {
                guard let prefix = RedirectURI(String(rule.dropLast())), !prefix.isOpaque, !prefix.host.isEmpty,
                    prefix.query == nil, prefix.fragment == nil, !prefix.hasUserInfo
                else {
                    throw OAuthConfigurationError("OAUTH_ALLOWED_REDIRECT_URIS: cannot use the prefix rule \(rule)")
                }
                rules.append(.prefix(prefix))
            } else {
                guard let uri = RedirectURI(rule), uri.fragment == nil, !uri.hasUserInfo,
                    !Self.forbiddenSchemes.contains(uri.scheme)
                else {
                    throw OAuthConfigurationError("OAUTH_ALLOWED_REDIRECT_URIS: cannot use the URI \(rule)")
                }
                rules.append(.exact(uri.normalized))
            }
        }
        self.rules = rules
    }

    /// Whether a client may register `text` as a redirect URI.
    func allows(_ text: String) -> Bool {
        guard let uri = RedirectURI(text), uri.fragment == nil, !uri.hasUserInfo,
            !Self.forbiddenSchemes.contains(uri.scheme), !uri.hasDotSegments
        else { return false }
        if (uri.scheme == "http" || uri.scheme == "https") && uri.isLoopback { return true }
        return rules.contains { rule in
            switch rule {
            case .exact(let allowed):
                return uri.normalized == allowed
            case .anyHTTPS:
                return uri.scheme == "https" && !uri.isOpaque && !uri.host.isEmpty
            case .prefix(let prefix):
                return uri.scheme == prefix.scheme && uri.host == prefix.host && uri.port == prefix.port
                    && !uri.isOpaque && uri.path.hasPrefix(prefix.path)
            }
        }
    }
}
