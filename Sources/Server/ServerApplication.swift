import Crypto
import Foundation
import HTTP
import JSON
import Ledger
import MCP
import Memory
import OAuth
import SQLite

/// The memledger HTTP application: routes, authentication, errors, metrics and the access log
/// around the memory service. `HTTPServer` calls `handle(_:)`; tests call it directly.
public final class ServerApplication: Sendable {
    public let endpoints: Endpoints
    public let responder: Responder

    public var configuration: ServerConfiguration { endpoints.configuration }
    public var service: MemoryService { endpoints.service }
    public var keys: APIKeyStore { endpoints.keys }
    public var metrics: Metrics { endpoints.metrics }
    var credentials: CredentialCheck { endpoints.credentials }
    public var log: AccessLog { endpoints.log }

    /// The OAuth authorization server, when a public base URL turned OAuth on.
    public let oauth: OAuthServer?

    /// - Parameters:
    ///   - authenticators: tried after API keys, on every route.
    ///   - mcpTools: the tools served at `/mcp` when `mcpServer` is nil; the memory tools when both are nil.
    ///   - mcpServer: the MCP server behind `/mcp` (tools and instructions); built from `mcpTools` when nil.
    ///   - oauth: the authorization server; its routes are answered first, and its access tokens
    ///     are accepted on `/mcp` (only there).
    ///   - log: the access log; stderr at the configured level by default.
    public init(
        configuration: ServerConfiguration, service: MemoryService, authenticators: [any Authenticator] = [],
        mcpTools: [MCPTool]? = nil, mcpServer: MCPServer? = nil, oauth: OAuthServer? = nil, log: AccessLog? = nil
    ) {
        let keys = APIKeyStore(ledger: service.ledger)
        let metrics = Metrics()
        let limiter = AuthFailureLimiter(limit: configuration.authFailuresPerMinute)
        let restAuthenticators: [any Authenticator] = [APIKeyAuthenticator(store: keys)] + authenticators
        let credentials = CredentialCheck(
            authenticator: ChainedAuthenticator(restAuthenticators), limiter: limiter, metrics: metrics,
            oauthBase: configuration.publicBaseURL)
        let mcpChallenge: @Sendable (MCPAuthChallenge) -> String
        var mcpAuthenticators = restAuthenticators
        if let oauth {
            mcpAuthenticators.append(OAuthTokenAuthenticator(oauth: oauth))
            mcpChallenge = { Self.mcpChallenge($0, oauth: oauth) }
        } else {
            let oauthBase = configuration.publicBaseURL
            mcpChallenge = { CredentialCheck.challenge($0, oauthBase: oauthBase) }
        }
        let mcpCredentials = CredentialCheck(
            authenticator: ChainedAuthenticator(mcpAuthenticators), limiter: limiter, metrics: metrics, challenge: mcpChallenge)
        let mcp = MCPStreamableHTTP(
            server: mcpServer
                ?? mcpTools.map { MCPServer(info: MCPServerInfo(version: ServerApplication.version), tools: $0) }
                ?? MemoryTools.server(service: service, version: ServerApplication.version),
            configuration: Self.mcpConfiguration(configuration, challenge: mcpChallenge))
        self.oauth = oauth
        endpoints = Endpoints(
            configuration: configuration, service: service, keys: keys, metrics: metrics, credentials: credentials,
            mcpCredentials: mcpCredentials, mcp: mcp, log: log ?? AccessLog(level: configuration.logLevel))
        responder = endpoints.router().buildResponder()
    }

    /// The `WWW-Authenticate` of `/mcp` refusals with OAuth on: always `resource_metadata` (the
    /// `/mcp` path-suffixed document) and a `scope` (checklist §3a). A missing write scope asks
    /// for both memory scopes, so a client that re-authorizes keeps reading too.
    static func mcpChallenge(_ challenge: MCPAuthChallenge, oauth: OAuthServer) -> String {
        switch challenge {
        case .missingCredentials:
            return oauth.wwwAuthenticate()
        case .invalidToken:
            return oauth.wwwAuthenticate(error: .invalidToken)
        case .insufficientScope(let scope):
            let wanted = scope == Scope.admin.rawValue ? scope : "\(Scope.read.rawValue) \(Scope.write.rawValue)"
            return oauth.wwwAuthenticate(error: .insufficientScope, scope: wanted)
        }
    }

    /// Origin and Host rules of `/mcp`: browsers from the Inspector, the public origin and the
    /// configured origins; on a loopback bind, only loopback names, the public host and the
    /// configured hosts (DNS-rebinding protection, checklist §1.10).
    static func mcpConfiguration(
        _ configuration: ServerConfiguration, challenge: @escaping @Sendable (MCPAuthChallenge) -> String
    ) -> MCPStreamableHTTP.Configuration {
        var origins = MCPStreamableHTTP.Configuration.inspectorOrigins.union(configuration.mcpAllowedOrigins)
        var hosts: Set<String>?
        if ["127.0.0.1", "localhost", "::1", "[::1]"].contains(configuration.host.lowercased()) {
            hosts = Set(["127.0.0.1", "localhost", "[::1]"] + configuration.mcpAllowedHosts)
        }
        if let base = configuration.publicBaseURL, let schemeEnd = base.range(of: "://") {
            let authority = base[schemeEnd.upperBound...].prefix { $0 != "/" }
            origins.insert(String(base[..<schemeEnd.upperBound]) + authority)
            hosts?.insert(String(authority))
        }
        if configuration.mcpAllowedHosts.contains("*") { hosts = nil }
        return MCPStreamableHTTP.Configuration(allowedOrigins: origins, allowedHosts: hosts, wwwAuthenticate: challenge)
    }

    public static let version = "0.1.0"

    /// Answers one request. Never throws and never answers 5xx for a bad request.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let started = AuthFailureLimiter.monotonicSeconds()
        let requestID = Self.requestID(request.headers["X-Request-Id"])
        let client = clientAddress(request)
        var route = "unmatched"
        var principal: Principal?
        var response: HTTPResponse
        // The authorization server answers its own routes first, seeing the same client address
        // (for its rate limits) and request id (on its auth.* events) as the rest of the server.
        var forOAuth = request
        forOAuth.remoteAddress = client
        forOAuth.headers.set("X-Request-Id", requestID)
        if let oauth, let answer = await oauth.handle(forOAuth) {
            route = Self.oauthRoute(request.path)
            response = answer
        } else {
            switch responder.match(method: request.method, path: request.path) {
            case .notFound:
                response = errorResponse(.notFound("no route for \(request.method) \(request.path.prefix(200))"), requestID: requestID)
            case .methodNotAllowed(let pattern, let allowed):
                route = pattern
                response = errorResponse(
                    APIError(405, "method_not_allowed", "\(pattern) accepts \(allowed.joined(separator: ", "))",
                             headers: ["Allow": allowed.joined(separator: ", ")]),
                    requestID: requestID)
            case .found(let matched, let parameters):
                route = matched.pattern
                do {
                    if case .scope(let scope) = matched.access {
                        let who = try await credentials.authenticate(authorization: request.headers["Authorization"], client: client)
                        principal = who
                        try credentials.require(scope, of: who)
                    }
                    let context = RequestContext(
                        request: request, requestID: requestID, route: matched.pattern, parameters: parameters, principal: principal,
                        clientAddress: client)
                    response = try await matched.handler(context)
                } catch {
                    response = errorResponse(apiError(for: error, requestID: requestID, route: route), requestID: requestID)
                }
            }
        }
        response.headers.set("X-Request-Id", requestID)
        if request.method == "HEAD" { response.body = [] }
        let seconds = AuthFailureLimiter.monotonicSeconds() - started
        metrics.record(route: route, method: request.method, status: response.status, seconds: seconds)
        log.request(
            requestID: requestID, method: request.method, route: route, status: response.status, seconds: seconds, client: client,
            clientID: principal?.clientID, bytesIn: request.body.count, bytesOut: response.body.count)
        return response
    }

    /// The HTTP server's settings for this application: its address (`port` overrides the configured
    /// one, 0 for an ephemeral port), body limit and concurrency, and its refusals recorded here.
    public func httpConfiguration(port: Int? = nil) -> HTTPServerConfiguration {
        var http = HTTPServerConfiguration(
            host: configuration.host, port: port ?? configuration.port, maxBodyBytes: configuration.bodyLimitBytes,
            maxInFlight: configuration.maxInFlight)
        http.refusals = { self.refused($0) }
        return http
    }

    /// Records a request the HTTP server refused before it reached `handle` (framing error, body over
    /// the limit, too slow) in the access log and the metrics, as route `refused`.
    /// - Returns: the request id its answer carries.
    func refused(_ refusal: HTTPRefusal) -> String {
        let requestID = Self.requestID(refusal.requestID)
        let method = refusal.method ?? "-"
        metrics.record(route: "refused", method: method, status: refusal.status, seconds: 0)
        log.request(
            requestID: requestID, method: method, route: "refused", status: refusal.status, seconds: 0, client: refusal.remoteAddress,
            clientID: nil, bytesIn: 0, bytesOut: 0)
        return requestID
    }

    /// The route label of an OAuth answer for metrics and the access log: never the query (codes,
    /// states) and a bounded set of values.
    static func oauthRoute(_ path: String) -> String {
        path.hasPrefix("/.well-known/") || path.hasPrefix("/mcp/.well-known/") ? "/.well-known/*" : path
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
