/// How a change reached the ledger.
public enum Transport: String, Sendable, Codable, CaseIterable {
    case rest, mcp, stdio, cli, `import`
}

/// Who made a change and through what: recorded on every event.
public struct Provenance: Sendable, Hashable, Codable {
    /// The agent that acted (the argument, else the OAuth client name or the API key's name).
    public var agentID: String?
    /// The credential: the API key's name or the OAuth client id.
    public var clientID: String?
    /// The person or operator behind the credential, when known (`owner`, `operator@host`, …).
    public var actor: String?
    public var transport: Transport
    public var requestID: String?
    public var correlationID: String?
    public var causationID: String?

    public init(
        agentID: String? = nil, clientID: String? = nil, actor: String? = nil, transport: Transport,
        requestID: String? = nil, correlationID: String? = nil, causationID: String? = nil
    ) {
        self.agentID = agentID
        self.clientID = clientID
        self.actor = actor
        self.transport = transport
        self.requestID = requestID
        self.correlationID = correlationID
        self.causationID = causationID
    }
}
