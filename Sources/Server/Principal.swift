/// What a request may do.
public enum Scope: String, Sendable, Hashable, CaseIterable, Codable {
    case read = "memory.read"
    case write = "memory.write"
    case admin
}

/// An authenticated caller: an API key or an OAuth access token, resolved once per request.
public struct Principal: Sendable, Hashable {
    /// The user whose memories this credential reaches.
    public var userID: String
    /// The API key's name or the OAuth client id: the `client_id` recorded on events.
    public var clientID: String
    /// The name used as `agent_id` when a write names none (the key's name or the OAuth client's name).
    public var agentName: String
    public var scopes: Set<Scope>
    /// How the caller authenticated.
    public var kind: Kind

    public enum Kind: String, Sendable, Hashable { case apiKey, oauthToken, local }

    public init(userID: String, clientID: String, agentName: String, scopes: Set<Scope>, kind: Kind) {
        self.userID = userID
        self.clientID = clientID
        self.agentName = agentName
        self.scopes = scopes
        self.kind = kind
    }

    public func has(_ scope: Scope) -> Bool { scopes.contains(scope) }
}
