import OAuth

/// Accepts the OAuth access tokens this server issued for its own `/mcp` resource.
///
/// Only the `/mcp` credential check asks it: REST stays API-key only, so a token a user granted
/// to a connector never reaches the admin routes (DESIGN.md §4). Expired, revoked and
/// other-resource tokens all answer nil, which the caller turns into 401 `invalid_token`.
public struct OAuthTokenAuthenticator: Authenticator {
    public let oauth: OAuthServer

    public init(oauth: OAuthServer) { self.oauth = oauth }

    public func authenticate(bearer: String) async -> Principal? {
        guard case .valid(let userID, let clientID, let clientName, let scopes) = await oauth.validateAccessToken(
            bearer, resource: oauth.resource)
        else { return nil }
        // A token carries at most memory.read and memory.write, never admin (DESIGN.md §6).
        let granted = Set(scopes.compactMap(Scope.init(rawValue:))).subtracting([.admin])
        return Principal(
            userID: userID, clientID: clientID, agentName: clientName.isEmpty ? clientID : clientName, scopes: granted,
            kind: .oauthToken)
    }
}
