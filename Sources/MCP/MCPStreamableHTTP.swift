import JSON

/// The Streamable HTTP transport (MCP 2025-11-25 "Transports"), stateless and JSON-only.
///
/// Every POST carries one message or a (2025-03-26) batch and is answered with one JSON body;
/// no session id is issued and GET/DELETE return 405, which every revision allows and which
/// spares clients that never re-initialize after a lost session (checklist §1.7, §4.6).
/// The order of checks is: Host, Origin, CORS preflight, authentication, method, Content-Type,
/// Accept, JSON parse, `MCP-Protocol-Version`, then JSON-RPC dispatch; so an unauthenticated
/// `initialize` gets 401, the signal for clients to start OAuth (checklist §1.12).
public struct MCPStreamableHTTP: Sendable {
    public struct Configuration: Sendable {
        /// Origins (`scheme://host[:port]`, compared case-insensitively) browsers may call from.
        /// Requests without `Origin` (server-to-server clients) are always allowed (checklist §1.10).
        public var allowedOrigins: Set<String>
        /// Accepted `Host` values when set (DNS-rebinding protection for loopback binds); an entry
        /// without a port matches any port. `nil` disables the check.
        public var allowedHosts: Set<String>?
        /// The `WWW-Authenticate` value for each refusal, so the composition layer can add
        /// `resource_metadata` and `scope` when OAuth is on (checklist §3a).
        public var wwwAuthenticate: @Sendable (MCPAuthChallenge) -> String

        public init(
            allowedOrigins: Set<String> = Configuration.inspectorOrigins,
            allowedHosts: Set<String>? = nil,
            wwwAuthenticate: @escaping @Sendable (MCPAuthChallenge) -> String = { $0.defaultHeaderValue }
        ) {
            self.allowedOrigins = Set(allowedOrigins.map(MCPStreamableHTTP.normalizedOrigin))
            self.allowedHosts = allowedHosts.map { Set($0.map(lowercasedASCII)) }
            self.wwwAuthenticate = wwwAuthenticate
        }

        /// The MCP Inspector's browser origins.
        public static let inspectorOrigins: Set<String> = ["http://localhost:6274", "http://127.0.0.1:6274"]

        /// The `Host` values a loopback-bound server on `port` should accept.
        public static func loopbackHosts(port: Int) -> Set<String> {
            ["localhost:\(port)", "127.0.0.1:\(port)", "[::1]:\(port)"]
        }
    }

    /// Request headers a browser client may send (checklist §4.4).
    public static let allowedRequestHeaders = ["Authorization", "Content-Type", "Accept", "Mcp-Session-Id", "MCP-Protocol-Version", "Last-Event-ID"]
    /// Response headers a browser client may read (checklist §4.4).
    public static let exposedResponseHeaders = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate"

    public let server: MCPServer
    public let configuration: Configuration

    public init(server: MCPServer, configuration: Configuration = Configuration()) {
        self.server = server
        self.configuration = configuration
    }

    /// Answers one HTTP request to the MCP endpoint.
    /// - Parameters:
    ///   - request: the request; its path is not checked (the router sends `/mcp` and `/mcp/` here).
    ///   - authenticate: turns the `Authorization` header (or `nil`) into an outcome; called once
    ///     per request except for CORS preflights and requests refused for Host or Origin.
    public func handle(_ request: MCPHTTPRequest, authenticate: (_ authorization: String?) async -> MCPAuthOutcome) async -> MCPHTTPResponse {
        let origin = request.header("Origin")
        if let allowedHosts = configuration.allowedHosts, !MCPStreamableHTTP.hostAllowed(request.header("Host"), allowedHosts) {
            return jsonRPCFailure(403, .serverError("Forbidden: invalid Host header"), cors: [])
        }
        if let origin, !configuration.allowedOrigins.contains(MCPStreamableHTTP.normalizedOrigin(origin)) {
            return jsonRPCFailure(403, .serverError("Forbidden: origin not allowed"), cors: [])
        }
        let cors = corsHeaders(origin: origin)
        let method = request.method.uppercased()
        if method == "OPTIONS" {
            return preflight(request, cors: cors)
        }

        let principal: any Sendable
        let scopes: Set<String>
        let agentName: String
        switch await authenticate(request.header("Authorization")) {
        case .authenticated(let who, let granted, let name):
            (principal, scopes, agentName) = (who, granted, name)
        case .missing:
            return unauthorized(.missingCredentials, description: "authentication required: send Authorization: Bearer <token>", cors: cors, head: method == "HEAD")
        case .invalid:
            return unauthorized(.invalidToken, description: "the access token or API key is invalid, expired or revoked", cors: cors, head: method == "HEAD")
        case .throttled(let seconds):
            return throttled(retryAfter: seconds, cors: cors, head: method == "HEAD")
        }

        guard method == "POST" else {
            // Stateless and JSON-only: no GET stream, no session to DELETE (checklist §1.6, §1.7).
            var response = jsonRPCFailure(405, .serverError("Method not allowed: this endpoint accepts POST only"), cors: cors)
            response.headers.append(("Allow", "POST"))
            if method == "HEAD" { response.body = [] }
            return response
        }
        guard MCPStreamableHTTP.isJSONContentType(request.header("Content-Type")) else {
            return jsonRPCFailure(415, .serverError("Unsupported Media Type: Content-Type must be application/json"), cors: cors)
        }
        guard MCPStreamableHTTP.acceptsJSON(request.header("Accept")) else {
            return jsonRPCFailure(406, .serverError("Not Acceptable: this server answers with application/json"), cors: cors)
        }

        let message: JSONValue
        do {
            message = try JSONValue.parse(request.body)
        } catch {
            return jsonRPCFailure(400, .parseError(error.message), cors: cors)
        }
        var version = MCPProtocolVersion.assumedWithoutHeader
        let isInitialize = message["method"] == "initialize"
        if let header = request.header("MCP-Protocol-Version") {
            let trimmed = header.trimmingASCIISpaces()
            if MCPProtocolVersion.isSupported(trimmed) {
                version = trimmed
            } else if !isInitialize {
                // Negotiation happens in the initialize body, so only later requests are held to
                // the header (checklist §1.8).
                let supported = MCPProtocolVersion.supported.joined(separator: ", ")
                return jsonRPCFailure(400, .invalidRequest("unsupported MCP-Protocol-Version; supported: \(supported)"), cors: cors)
            }
        }

        let context = MCPCallContext(principal: principal, scopes: scopes, agentName: agentName, transport: "mcp",
                                     requestID: request.requestID, protocolVersion: version)
        switch await server.respond(to: message, context: context) {
        case .accepted:
            return MCPHTTPResponse(status: 202, headers: cors)
        case .response(let body):
            return MCPHTTPResponse(status: 200, headers: [("Content-Type", "application/json")] + cors, body: body)
        case .badRequest(let body):
            return MCPHTTPResponse(status: 400, headers: [("Content-Type", "application/json")] + cors, body: body)
        case .forbidden(let scope, _):
            let body: JSONValue = ["error": "insufficient_scope", "error_description": .string("this tool requires the '\(scope)' scope")]
            return MCPHTTPResponse(
                status: 403,
                headers: [("Content-Type", "application/json"), ("WWW-Authenticate", configuration.wwwAuthenticate(.insufficientScope(scope)))] + cors,
                body: body.serialized(sortedKeys: false))
        }
    }

    // MARK: - Responses

    private func jsonRPCFailure(_ status: Int, _ error: JSONRPCError, cors: [(String, String)]) -> MCPHTTPResponse {
        MCPHTTPResponse(status: status, headers: [("Content-Type", "application/json")] + cors,
                        body: error.response(id: nil).serialized(sortedKeys: false))
    }

    private func unauthorized(_ challenge: MCPAuthChallenge, description: String, cors: [(String, String)], head: Bool) -> MCPHTTPResponse {
        var body: JSONObject = [:]
        if challenge == .invalidToken { body["error"] = "invalid_token" } else { body["error"] = "unauthorized" }
        body["error_description"] = .string(description)
        return MCPHTTPResponse(
            status: 401,
            headers: [("Content-Type", "application/json"), ("WWW-Authenticate", configuration.wwwAuthenticate(challenge))] + cors,
            body: head ? [] : JSONValue.object(body).serialized(sortedKeys: false))
    }

    /// 429 with `Retry-After` (RFC 6585 §4) and the same error body shape as a 401.
    private func throttled(retryAfter seconds: Int, cors: [(String, String)], head: Bool) -> MCPHTTPResponse {
        let body: JSONObject = [
            "error": "too_many_requests",
            "error_description": .string("too many failed authentications from this address; retry in \(seconds) s"),
        ]
        return MCPHTTPResponse(
            status: 429, headers: [("Content-Type", "application/json"), ("Retry-After", String(seconds))] + cors,
            body: head ? [] : JSONValue.object(body).serialized(sortedKeys: false))
    }

    private func preflight(_ request: MCPHTTPRequest, cors: [(String, String)]) -> MCPHTTPResponse {
        var allowed = MCPStreamableHTTP.allowedRequestHeaders
        // Browser clients may add configured headers; the origin is already vetted, so echo them.
        if let requested = request.header("Access-Control-Request-Headers") {
            for name in requested.split(separator: ",").map({ String($0).trimmingASCIISpaces() }) where !name.isEmpty {
                if !allowed.contains(where: { asciiCaseInsensitiveEqual($0, name) }) { allowed.append(name) }
            }
        }
        return MCPHTTPResponse(status: 204, headers: cors + [
            ("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"),
            ("Access-Control-Allow-Headers", allowed.joined(separator: ", ")),
            ("Access-Control-Max-Age", "86400"),
        ])
    }

    /// CORS headers for every answer, errors included (checklist §4.4).
    private func corsHeaders(origin: String?) -> [(String, String)] {
        var headers = [("Access-Control-Expose-Headers", MCPStreamableHTTP.exposedResponseHeaders)]
        if let origin {
            headers.insert(("Access-Control-Allow-Origin", origin), at: 0)
            headers.append(("Vary", "Origin"))
        }
        return headers
    }

    // MARK: - Header rules

    static func normalizedOrigin(_ origin: String) -> String {
        var text = lowercasedASCII(origin.trimmingASCIISpaces())
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    static func hostAllowed(_ host: String?, _ allowed: Set<String>) -> Bool {
        guard let host = host.map({ lowercasedASCII($0.trimmingASCIISpaces()) }), !host.isEmpty else { return false }
        if allowed.contains(host) { return true }
        // Entries without a port match the host on any port.
        let name: Substring
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            name = host[...close]
        } else if let colon = host.lastIndex(of: ":") {
            name = host[..<colon]
        } else {
            name = host[...]
        }
        return allowed.contains(String(name))
    }

    static func isJSONContentType(_ value: String?) -> Bool {
        guard let value else { return false }
        let mediaType = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return lowercasedASCII(mediaType.trimmingASCIISpaces()) == "application/json"
    }

    /// Lenient Accept (checklist §1.3, §4.9): fine when absent, or when any range admits JSON.
    static func acceptsJSON(_ value: String?) -> Bool {
        guard let value, !value.trimmingASCIISpaces().isEmpty else { return true }
        for range in value.split(separator: ",") {
            let parts = range.split(separator: ";").map { lowercasedASCII(String($0).trimmingASCIISpaces()) }
            guard let mediaType = parts.first else { continue }
            let refused = parts.dropFirst().contains { parameter in
                guard parameter.hasPrefix("q=") else { return false }
                return (Double(parameter.dropFirst(2)) ?? 1) <= 0
            }
            if !refused, ["application/json", "application/*", "*/*"].contains(mediaType) { return true }
        }
        return false
    }
}
