import Foundation
import HTTP
import MCP
import Memory
import OAuth

/// The OAuth authorization server as the application mounts it: its routes, its access tokens on
/// `/mcp` (never on REST), its challenges, and the consent page's owner check against the API keys.
public struct OAuthMount: Sendable {
    public let server: OAuthServer

    /// The OAuth server the configuration asks for, or nil when OAuth is off (no public base URL).
    /// - Parameters:
    ///   - autoApprove: consent without a page, for tests; refused unless bind and base URL are loopback.
    ///   - environment: read for `MEMLEDGER_OAUTH_ACCESS_TOKEN_TTL`.
    /// - Throws: `OAuthConfigurationError` naming the unusable setting.
    public static func make(
        _ configuration: ServerConfiguration, service: MemoryService, autoApprove: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> OAuthMount? {
        guard let base = configuration.publicBaseURL else { return nil }
        var env = environment
        env["MEMLEDGER_PUBLIC_URL"] = base
        env["OAUTH_ALLOWED_REDIRECT_URIS"] = configuration.oauthAllowedRedirectURIs.joined(separator: ",")
        guard var oauth = try OAuthConfiguration.fromEnvironment(env, bindHost: configuration.host) else { return nil }
        if autoApprove { oauth.autoApprove = OwnerIdentity(userID: configuration.defaultUserID, name: "auto-approve") }
        let keys = APIKeyStore(ledger: service.ledger)
        let server = try OAuthServer(configuration: oauth, ledger: service.ledger) { presented in
            guard let key = try? keys.lookup(secret: presented) else { return .invalid }
            return key.scopes.contains(.admin) ? .owner(userID: key.userID, keyName: key.name) : .notAdmin
        }
        return OAuthMount(server: server)
    }

    /// Accepts this server's access tokens for the `/mcp` resource.
    public var authenticator: any Authenticator { AccessTokenAuthenticator(server: server) }

    /// The `/mcp` challenges with `resource_metadata` and `scope` (checklist §3a).
    public var challenge: @Sendable (MCPAuthChallenge) -> String {
        let server = self.server
        return { challenge in
            switch challenge {
            case .missingCredentials: server.wwwAuthenticate()
            case .invalidToken: server.wwwAuthenticate(error: .invalidToken)
            case .insufficientScope(let scope): server.wwwAuthenticate(error: .insufficientScope, scope: scope)
            }
        }
    }

    /// Answers the OAuth routes (metadata, `/authorize`, `/token`, `/register`, `/revoke`); nil for any other.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse? { await server.handle(request) }

    struct AccessTokenAuthenticator: Authenticator {
        let server: OAuthServer

        func authenticate(bearer: String) async -> Principal? {
            guard case .valid(let userID, let clientID, let clientName, let scopes) =
                await server.validateAccessToken(bearer, resource: server.resource)
            else { return nil }
            // An OAuth token never carries admin (DESIGN.md §6), whatever was stored.
            let granted = Set(scopes.compactMap(Scope.init(rawValue:))).subtracting([.admin])
            return Principal(userID: userID, clientID: clientID, agentName: clientName, scopes: granted, kind: .oauthToken)
        }
    }
}
