import HTTP
import JSON
import MCP

extension Endpoints {
    /// `GET /readyz`: 200 when the ledger can be read, 503 otherwise.
    @Sendable func ready(_ context: RequestContext) async throws -> HTTPResponse {
        do {
            let head = try service.ledger.head()
            return Self.json(["status": "ready", "ledger_position": .int(head.position)])
        } catch {
            return Self.json(
                ["error": "not_ready", "detail": "the ledger cannot be read", "request_id": .string(context.requestID)], status: 503,
                headers: ["Retry-After": "5"])
        }
    }

    /// `GET /metrics`: Prometheus text.
    @Sendable func metricsText(_ context: RequestContext) async throws -> HTTPResponse {
        let position = try? service.ledger.head().position
        let live = try? service.counts().memories
        return HTTPResponse(
            status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
            body: Array(metrics.render(ledgerPosition: position, liveMemories: live, embedderErrors: service.embedderErrorCount).utf8))
    }

    /// `/mcp` and `/mcp/`: the Streamable HTTP transport, authenticated with the same credentials.
    @Sendable func mcpRequest(_ context: RequestContext) async throws -> HTTPResponse {
        let request = context.request
        let mcpRequest = MCPHTTPRequest(
            method: request.method, path: request.path, headers: request.headers.fields.map { ($0.name, $0.value) },
            body: request.body, requestID: context.requestID)
        let credentials = mcpCredentials
        let client = context.clientAddress
        let answer = await mcp.handle(mcpRequest) { authorization in
            // An address over its failure budget is not heard, as on REST: 429, never a 401 for a good credential.
            if let wait = credentials.limiter.retryAfter(client) { return .throttled(retryAfter: wait) }
            do {
                let principal = try await credentials.authenticate(authorization: authorization, client: client)
                return .authenticated(principal: principal, scopes: Set(principal.scopes.map(\.rawValue)), agentName: principal.agentName)
            } catch {
                return authorization == nil || CredentialCheck.bearer(authorization) == nil ? .missing : .invalid
            }
        }
        return HTTPResponse(status: answer.status, headers: HTTPHeaders(answer.headers), body: answer.body)
    }
}
