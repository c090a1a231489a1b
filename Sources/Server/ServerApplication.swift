import Crypto
import Foundation
import HTTP
import JSON
import Ledger
import MCP
import OAuth
import Memory
import SQLite

/// The memledger HTTP application: routes, authentication, errors, metrics and the access log
/// around the memory service. `HTTPServer` calls `handle(_:)`; tests call it directly.
public final class ServerApplication: Sendable {
    public let endpoints: Endpoints
    public let responder: Responder
    /// The OAuth routes when OAuth is on; asked before the route table.
    let oauth: OAuthMount?

    public var configuration: ServerConfiguration { endpoints.configuration }
    public var service: MemoryService { endpoints.service }
    public var keys: APIKeyStore { endpoints.keys }
    public var metrics: Metrics { endpoints.metrics }
    var credentials: CredentialCheck { endpoints.credentials }
    public var log: AccessLog { endpoints.log }

    /// - Parameters:
    ///   - authenticators: tried after API keys, on every route.
    ///   - mcpAuthenticators: tried after API keys on `/mcp` only (OAuth access tokens, which are
    ///     bound to the `/mcp` resource and never accepted by REST).
    ///   - mcpChallenge: the `WWW-Authenticate` values on `/mcp` (the OAuth server's when it is on).
    ///   - oauth: the OAuth server: its routes, its tokens on `/mcp` and its challenges there.
    ///   - mcpTools: the tools served at `/mcp`; the memory tools (`MemoryTools.all`) when nil.
    ///   - log: the access log; stderr at the configured level by default.
    ///   - extraRoutes: adds routes after the built-in ones (the OAuth endpoints); a handler with
    ///     `.custom` access authenticates by itself, e.g. with `credentials`.
    public init(
        configuration: ServerConfiguration, service: MemoryService, authenticators: [any Authenticator] = [],
        mcpAuthenticators: [any Authenticator] = [], mcpChallenge: (@Sendable (MCPAuthChallenge) -> String)? = nil,
        oauth: OAuthMount? = nil, mcpTools: [MCPTool]? = nil, log: AccessLog? = nil, extraRoutes: (inout Router, CredentialCheck) -> Void = { _, _ in }
    ) {
        let keys = APIKeyStore(ledger: service.ledger)
        let metrics = Metrics()
        let credentials = CredentialCheck(
            authenticator: ChainedAuthenticator([APIKeyAuthenticator(store: keys)] + authenticators),
            limiter: AuthFailureLimiter(limit: configuration.authFailuresPerMinute), metrics: metrics,
            oauthBase: configuration.publicBaseURL)
        let limiter = credentials.limiter
        let mcpCredentials = CredentialCheck(
            authenticator: ChainedAuthenticator(
                [APIKeyAuthenticator(store: keys)] + authenticators + mcpAuthenticators + (oauth.map { [$0.authenticator] } ?? [])),
            limiter: limiter, metrics: metrics, oauthBase: configuration.publicBaseURL, challenger: mcpChallenge ?? oauth?.challenge)
        let mcp = MCPStreamableHTTP(
            server: mcpTools.map { MCPServer(info: MCPServerInfo(version: ServerApplication.version), tools: $0) }
                ?? MemoryTools.server(service: service, version: ServerApplication.version),
            configuration: .init(wwwAuthenticate: { mcpCredentials.challenge($0) }))
        endpoints = Endpoints(
            configuration: configuration, service: service, keys: keys, metrics: metrics, credentials: credentials,
            mcpCredentials: mcpCredentials, mcp: mcp,
            log: log ?? AccessLog(level: configuration.logLevel))
        self.oauth = oauth
        var router = endpoints.router()
        extraRoutes(&router, credentials)
        responder = router.buildResponder()
    }

    public static let version = "0.1.0"

    /// Answers one request. Never throws and never answers 5xx for a bad request.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let started = AuthFailureLimiter.monotonicSeconds()
        let requestID = Self.requestID(request.headers["X-Request-Id"])
        let client = clientAddress(request)
        var (response, route, principal) = await dispatch(request, requestID: requestID, client: client)
        response.headers.set("X-Request-Id", requestID)
        if request.method == "HEAD" { response.body = [] }
        let seconds = AuthFailureLimiter.monotonicSeconds() - started
        metrics.record(route: route, method: request.method, status: response.status, seconds: seconds)
        log.request(
            requestID: requestID, method: request.method, route: route, status: response.status, seconds: seconds, client: client,
            clientID: principal?.clientID, bytesIn: request.body.count, bytesOut: response.body.count)
        return response
    }

    /// The answer, the route pattern it came from (for metrics and logs) and the caller, if any.
    private func dispatch(_ request: HTTPRequest, requestID: String, client: String) async -> (HTTPResponse, String, Principal?) {
        if let oauth, let answer = await oauth.handle(request) { return (answer, "oauth", nil) }
        switch responder.match(method: request.method, path: request.path) {
        case .notFound:
            return (errorResponse(.notFound("no route for \(request.method) \(request.path.prefix(200))"), requestID: requestID), "unmatched", nil)
        case .methodNotAllowed(let pattern, let allowed):
            let error = APIError(405, "method_not_allowed", "\(pattern) accepts \(allowed.joined(separator: ", "))",
                                 headers: ["Allow": allowed.joined(separator: ", ")])
            return (errorResponse(error, requestID: requestID), pattern, nil)
        case .found(let matched, let parameters):
            var principal: Principal?
            do {
                if case .scope(let scope) = matched.access {
                    let who = try await credentials.authenticate(authorization: request.headers["Authorization"], client: client)
                    principal = who
                    try credentials.require(scope, of: who)
                }
                let context = RequestContext(
                    request: request, requestID: requestID, route: matched.pattern, parameters: parameters, principal: principal,
                    clientAddress: client)
                return (try await matched.handler(context), matched.pattern, principal)
            } catch {
                return (errorResponse(apiError(for: error, requestID: requestID, route: matched.pattern), requestID: requestID), matched.pattern, principal)
            }
        }
    }

    /// The client's address: the peer, or the first `X-Forwarded-For` hop when a proxy is trusted.
    func clientAddress(_ request: HTTPRequest) -> String {
        if configuration.trustForwardedFor, let forwarded = request.headers["X-Forwarded-For"],
           let first = forwarded.split(separator: ",").first.map({ String($0).trimmingSpaces() }), !first.isEmpty, first.utf8.count <= 64
        {
            return first
        }
        return request.remoteAddress
    }

    /// The client's `X-Request-Id` when it is short and plain, else a new one.
    static func requestID(_ given: String?) -> String {
        if let given, (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        {
            return given
        }
        return "req_" + Base64URL.encode(SecureRandom.bytes(12))
    }

    // MARK: - Errors

    func errorResponse(_ error: APIError, requestID: String) -> HTTPResponse {
        let body: JSONValue = ["error": .string(error.code), "detail": .string(error.detail), "request_id": .string(requestID)]
        return .json(body.serialized(), status: error.status, headers: error.headers)
    }

    /// Maps any error to an answer; anything unexpected is a 500 that leaks nothing but the request id.
    func apiError(for error: Error, requestID: String, route: String) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as MemoryError:
            switch error.code {
            case .invalidArgument: return APIError(400, "invalid_argument", error.detail)
            case .notFound: return APIError(404, "not_found", error.detail)
            case .contentTooLarge: return APIError(422, "content_too_large", error.detail)
            case .versionConflict: return APIError(409, "version_conflict", error.detail)
            case .idempotencyKeyReused: return APIError(422, "idempotency_key_reused", error.detail)
            case .conflict: return APIError(409, "conflict", error.detail)
            case .embedderMismatch: return APIError(503, "embedder_mismatch", error.detail, headers: ["Retry-After": "60"])
            }
        case let error as APIKeyError:
            if error.isNameTaken { return APIError(409, "conflict", error.description) }
            if error.isNotFound { return APIError(404, "not_found", error.description) }
            return APIError(400, "invalid_argument", error.description)
        case let error as SQLiteError where error.isBusy:
            return APIError(503, "busy", "the database is busy; retry shortly", headers: ["Retry-After": "1"])
        default:
            log.log(.error, "request failed", [
                "request_id": .string(requestID), "route": .string(route), "error": .string(String(describing: type(of: error))),
                "detail": .string(String(String(describing: error).prefix(300))),
            ])
            return APIError(500, "internal_error", "the server could not answer this request; its log has the details under this request_id")
        }
    }
}
