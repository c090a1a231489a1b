import JSON

/// Per-message data a transport hands to the server and the server hands to a tool handler.
///
/// The principal is opaque here: the MCP layer knows nothing about API keys or OAuth tokens, it
/// only carries what the transport's authentication produced to the handler that needs it.
public struct MCPCallContext: Sendable {
    /// Who is calling, as produced by the transport's authentication (e.g. an API key record).
    public var principal: (any Sendable)?
    /// Scopes granted to the credential; a tool whose `requiredScope` is missing is refused.
    public var scopes: Set<String>
    /// The credential's display name (API key name or OAuth client name), for provenance.
    public var agentName: String?
    /// "mcp" for Streamable HTTP, "stdio" for the stdio transport.
    public var transport: String
    /// The transport's request id for logs and event provenance (not the JSON-RPC id).
    public var requestID: String
    /// The JSON-RPC id of the message being handled; set by the server before a handler runs.
    public var rpcID: JSONValue?
    /// The protocol revision in force for this message (header, negotiation, or the assumed default).
    public var protocolVersion: String

    public init(
        principal: (any Sendable)? = nil,
        scopes: Set<String> = [],
        agentName: String? = nil,
        transport: String,
        requestID: String = "",
        rpcID: JSONValue? = nil,
        protocolVersion: String = MCPProtocolVersion.assumedWithoutHeader
    ) {
        self.principal = principal
        self.scopes = scopes
        self.agentName = agentName
        self.transport = transport
        self.requestID = requestID
        self.rpcID = rpcID
        self.protocolVersion = protocolVersion
    }
}
