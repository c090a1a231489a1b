import HTTP
import JSON
import Ledger
import MCP
import Memory

/// The handlers behind every route, and the route table that names them.
public struct Endpoints: Sendable {
    public let configuration: ServerConfiguration
    public let service: MemoryService
    public let keys: APIKeyStore
    public let metrics: Metrics
    public let credentials: CredentialCheck
    /// The credential check of `/mcp`: API keys and, with OAuth on, access tokens.
    let mcpCredentials: CredentialCheck
    let mcp: MCPStreamableHTTP
    public let log: AccessLog

    /// The route table; `/openapi.json` documents exactly these routes.
    func router() -> Router {
        var r = Router()
        r.add("GET", "/healthz", access: .open) { _ in .json(Array(#"{"status":"ok"}"#.utf8)) }
        r.add("GET", "/readyz", access: .open, ready)
        r.add("GET", "/metrics", access: .open, metricsText)
        r.add("GET", "/openapi.json", access: .open) { _ in .json(OpenAPIDocument.bytes) }

        r.add("POST", "/api/v1/memories", scope: .write, addMemory)
        r.add("GET", "/api/v1/memories", scope: .read, listMemories)
        r.add("POST", "/api/v1/memories/search", scope: .read, searchMemories)
        r.add("POST", "/api/v1/memories/delete_bulk", scope: .admin, bulkDelete)
        r.add("GET", "/api/v1/memories/{id}", scope: .read, getMemory)
        r.add("PUT", "/api/v1/memories/{id}", scope: .write, updateMemory)
        r.add("DELETE", "/api/v1/memories/{id}", scope: .write, deleteMemory)
        r.add("GET", "/api/v1/memories/{id}/history", scope: .read, history)
        r.add("POST", "/api/v1/memories/{id}/redact", scope: .admin, redact)
        r.add("POST", "/api/v1/memories/{id}/restore", scope: .write, restore)
        r.add("POST", "/api/v1/memories/{id}/revert", scope: .write, revert)
        r.add("GET", "/api/v1/events", scope: .read, events)

        for path in ["/mcp", "/mcp/"] {
            for method in ["POST", "GET", "DELETE", "OPTIONS"] {
                r.add(method, path, access: .custom, mcpRequest)
            }
        }
        return r
    }

    // MARK: - Shared request pieces

    /// The user a request acts for: its `user_id` when given, else the credential's.
    /// - Throws: 403 when another user is named without the `admin` scope (DESIGN.md §6).
    func effectiveUser(_ requested: String?, _ principal: Principal) throws(APIError) -> String {
        guard let requested, requested != principal.userID else { return principal.userID }
        guard principal.has(.admin) else {
            throw APIError(403, "insufficient_scope", "acting for another user_id needs the admin scope",
                           headers: ["WWW-Authenticate": credentials.challenge(.insufficientScope(Scope.admin.rawValue))])
        }
        return requested
    }

    /// The domain's caller for `context`: user, provenance (agent, key, request id) and idempotency key.
    func caller(_ context: RequestContext, userID: String, agentID: String? = nil) throws(APIError) -> Caller {
        let principal = context.caller
        let key = context.request.headers["Idempotency-Key"]
        if let key {
            guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                throw .badRequest("Idempotency-Key must be 1 to 255 printable ASCII characters")
            }
        }
        let provenance = Provenance(
            agentID: agentID ?? principal.agentName, clientID: principal.clientID,
            actor: principal.kind == .apiKey ? "key:\(principal.clientID)" : nil, transport: .rest, requestID: context.requestID)
        return Caller(userID: userID, provenance: provenance, idempotencyKey: key)
    }

    static func json(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        .json(value.serialized(), status: status, headers: headers)
    }
}
