/// Turns a bearer credential into the principal it stands for.
///
/// The server asks each authenticator in turn (API keys first, then OAuth access tokens when OAuth
/// is on); the first that knows the credential decides. Implementations never log the credential.
public protocol Authenticator: Sendable {
    /// - Parameter bearer: the credential after `Bearer `, trimmed.
    /// - Returns: the principal, or nil when this authenticator does not accept the credential.
    func authenticate(bearer: String) async -> Principal?
}

/// Authenticates API keys against the key store.
public struct APIKeyAuthenticator: Authenticator {
    public let store: APIKeyStore

    public init(store: APIKeyStore) { self.store = store }

    public func authenticate(bearer: String) async -> Principal? {
        guard bearer.hasPrefix(APIKey.prefix) else { return nil }
        return (try? store.lookup(secret: bearer))?.principal
    }
}

/// Asks several authenticators in order; the first principal wins.
public struct ChainedAuthenticator: Authenticator {
    public let authenticators: [any Authenticator]

    public init(_ authenticators: [any Authenticator]) { self.authenticators = authenticators }

    public func authenticate(bearer: String) async -> Principal? {
        for authenticator in authenticators {
            if let principal = await authenticator.authenticate(bearer: bearer) { return principal }
        }
        return nil
    }
}
