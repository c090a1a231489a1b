/// The verdict on a bearer token presented at the protected resource.
public enum TokenValidation: Sendable, Equatable {
    /// A live token issued by this server for this resource. `clientID` is the OAuth client id
    /// (the `client_id` on events the request writes); `clientName` is its registered name (the
    /// default `agent_id`); `scopes` are a subset of `memory.read`, `memory.write`.
    case valid(userID: String, clientID: String, clientName: String, scopes: Set<String>)
    /// Unknown, revoked, or from a revoked family or client.
    case invalid
    /// Known but past its lifetime.
    case expired
    /// Issued for another resource (audience, RFC 8707 §2): never accepted here.
    case wrongResource
}
