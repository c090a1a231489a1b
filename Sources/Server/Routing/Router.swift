import HTTP

/// Collects routes (method + path pattern with `{name}` segments) and freezes them into a `Responder`.
///
/// ```swift
/// var router = Router()
/// router.add("GET", "/api/v1/memories/{id}", scope: .read) { context in … }
/// let responder = router.buildResponder()
/// ```
public struct Router: Sendable {
    public typealias Handler = @Sendable (RequestContext) async throws -> HTTPResponse

    /// Who may call a route.
    public enum Access: Sendable, Hashable {
        /// No credential needed (`/healthz`, `/metrics`, `/openapi.json`).
        case open
        /// A credential with this scope.
        case scope(Scope)
        /// The handler authenticates itself (`/mcp`, which answers with its own challenges).
        case custom
    }

    struct Route: Sendable {
        let method: String
        let pattern: String
        let segments: [Segment]
        let access: Access
        let handler: Handler
    }

    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []

    public init() {}

    /// Adds a route; `pattern` is a path like `/api/v1/memories/{id}/history`.
    public mutating func add(_ method: String, _ pattern: String, access: Access, _ handler: @escaping Handler) {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
        routes.append(Route(method: method, pattern: pattern, segments: Array(segments), access: access, handler: handler))
    }

    public mutating func add(_ method: String, _ pattern: String, scope: Scope, _ handler: @escaping Handler) {
        add(method, pattern, access: .scope(scope), handler)
    }

    public func buildResponder() -> Responder { Responder(routes: routes) }
}
